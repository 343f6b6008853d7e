// Starts the local stack once per test run; test files reach it through inject('stack').
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { sandboxSlot } from '../dev/sandbox-slot.js';
import { startStack, type StackEndpoints } from '../dev/stack.js';
import { DEFAULT_WORKFLOWS_PATH } from '../worker.js';

export interface ProvidedStack extends StackEndpoints {
  personioBaseUrl: string;
  mailWebUrl: string;
  dataDir: string;
  pids: number[];
  /** The workflow code bundled once for the run: in-process test workers load it instead of running webpack each. */
  workflowBundlePath: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: ProvidedStack;
  }
}

const quietBundlerLogger = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'payroll-sync-test-'));
  const workflowBundlePath = join(dataDir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, (await bundleWorkflowCode({ workflowsPath: DEFAULT_WORKFLOWS_PATH, logger: quietBundlerLogger })).code);
  const stack = await startStack({ mode: 'test', dataDir, personio: sandboxSlot, log: (line) => console.log(line) });
  if (!stack.personioBaseUrl || !stack.mailWebUrl) {
    await stack.stop();
    throw new Error('The test stack needs the Personio sandbox and the mail catcher (unset PERSONIO_BASE_URL and SMTP_URL).');
  }
  project.provide('stack', {
    temporalAddress: stack.temporalAddress,
    temporalNamespace: stack.temporalNamespace,
    mongoUri: stack.mongoUri,
    smtpUrl: stack.smtpUrl,
    mailWebUrl: stack.mailWebUrl,
    mailDir: stack.mailDir,
    personioBaseUrl: stack.personioBaseUrl,
    dataDir,
    pids: stack.pids,
    workflowBundlePath,
  });
  return async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
