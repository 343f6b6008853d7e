// The workflow tier's global setup: one Temporal dev server (the Go-built `temporal` CLI already on this machine,
// never a download) and one workflow bundle for the whole tier. Test files reach both through inject('workflowEnv').
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../contracts/search-attributes.js';
import { locateTool, TOOLS } from '../../dev/tools.js';

export interface ProvidedWorkflowEnv {
  temporalAddress: string;
  temporalNamespace: string;
  /** The workflow code of workflows/index.ts, bundled once for the tier. */
  workflowBundlePath: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    workflowEnv: ProvidedWorkflowEnv;
  }
}

/** Built from import.meta.url: under vitest `require.resolve` cannot find the workflow sources. */
const WORKFLOWS_PATH = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

const quietBundlerLogger = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

function temporalCli(): string {
  const path = locateTool('temporal');
  if (!path) {
    const spec = TOOLS.temporal;
    throw new Error(
      `The workflow tests need the temporal CLI (checked ${spec.envOverride}, PATH and the tool cache) and never download it: run \`npm run tools\` first.`,
    );
  }
  return path;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // A runtime is already installed in this process (another tier's setup).
  }
  const executable = temporalCli();
  const dir = mkdtempSync(join(tmpdir(), 'payroll-sync-workflow-tests-'));
  const workflowBundlePath = join(dir, 'workflow-bundle.js');
  const [started, bundled] = await Promise.allSettled([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: executable },
        ip: '127.0.0.1',
        searchAttributes: [...CUSTOM_SEARCH_ATTRIBUTES],
        log: { format: 'pretty', level: 'error' },
      },
    }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger }),
  ]);
  if (started.status === 'rejected' || bundled.status === 'rejected') {
    if (started.status === 'fulfilled') await started.value.teardown();
    rmSync(dir, { recursive: true, force: true });
    throw started.status === 'rejected' ? started.reason : (bundled as PromiseRejectedResult).reason;
  }
  const env = started.value;
  const bundle = bundled.value;
  writeFileSync(workflowBundlePath, bundle.code);
  project.provide('workflowEnv', { temporalAddress: env.address, temporalNamespace: env.namespace ?? 'default', workflowBundlePath });
  return async () => {
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  };
}
