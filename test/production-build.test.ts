// The production build (what the Dockerfile runs): compiled JavaScript, the prebundled workflows and the email
// templates in dist/, installed with production dependencies only (a temp directory outside the repository, so no
// development package is resolvable), started with plain node: syncs a company end to end, serves the API and
// re-keys stored secrets.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../dev/free-port.js';
import { startHarness, type Harness } from './support/harness.js';
import { createScenario, expectExactlyOnce, runSync } from './support/payroll-scenario.js';
import { spawnWorker, type WorkerProcess } from './support/worker-process.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
/** A production install: dist/, package.json, package-lock.json and `npm … --omit=dev` node_modules. */
const prod = mkdtempSync(join(tmpdir(), 'payroll-sync-prod-'));
/** Packages only dev/, sandbox/, bench/ and test/ use: a production install must not have them. */
const DEV_ONLY = ['smtp-server', 'mailparser', 'tsx', 'vitest', '@temporalio/testing', 'madge'];
const children: { kill(signal: NodeJS.Signals): boolean }[] = [];
let h: Harness;

/**
 * The production dependencies: the repository's node_modules copied and pruned with `npm prune --omit=dev`, which
 * removes what `npm ci --omit=dev` (the Docker image's final stage) would not install, without the download.
 */
async function installProductionDependencies(): Promise<void> {
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(prod, file));
  await run('cp', ['-a', join(root, 'node_modules'), join(prod, 'node_modules')]);
  await run('npm', ['prune', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: prod, maxBuffer: 16 * 1024 * 1024 });
}

beforeAll(async () => {
  // The copy is disk work, the build CPU work: side by side.
  await Promise.all([run('npm', ['run', 'build'], { cwd: root, maxBuffer: 64 * 1024 * 1024 }), installProductionDependencies()]);
  cpSync(join(root, 'dist'), join(prod, 'dist'), { recursive: true });
  h = await startHarness({ worker: 'external' });
}, 300_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await h?.close();
  rmSync(prod, { recursive: true, force: true });
});

describe('production build', () => {
  it('holds only what production runs, installed with production dependencies only', async () => {
    const top = readdirSync(join(root, 'dist')).sort();
    for (const folder of ['dev', 'sandbox', 'bench', 'test']) expect(top, folder).not.toContain(folder);
    for (const entry of ['worker.js', 'workflow-bundle.js', 'api/server.js', 'scripts/rekey.js', 'email/templates/sync-summary.mjml']) {
      expect(existsSync(join(root, 'dist', entry)), entry).toBe(true);
    }
    // Every package the built code could resolve comes from the production install: no node_modules above it.
    const lookup = createRequire(join(prod, 'dist', 'worker.js')).resolve.paths('smtp-server') ?? [];
    expect(lookup.filter((dir) => dir.endsWith('node_modules') && existsSync(dir))).toEqual([join(prod, 'node_modules')]);
    for (const name of DEV_ONLY) expect(existsSync(join(prod, 'node_modules', name)), name).toBe(false);
    // `npm ls --omit=dev` exits 0 only when every production dependency of the lockfile is installed.
    const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: prod, maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toContain(join(prod, 'node_modules', 'nodemailer'));
    expect(stdout).not.toMatch(/smtp-server|mailparser/);
  });

  it('runs a sync with `node dist/worker.js` and its prebundled workflows, and serves its metrics', async () => {
    const metricsPort = await freePort();
    const worker: WorkerProcess = spawnWorker({ ...h.workerEnv(), WORKER_METRICS_PORT: String(metricsPort) }, { entry: join(prod, 'dist', 'worker.js') });
    children.push(worker.child);
    const s = await createScenario(h, { employees: 5, benefits: 2 });
    const sync = await runSync(h, s);
    expect(sync.status, worker.output()).toBe('succeeded');
    await expectExactlyOnce(h, s);

    // The SDK's own metrics and the sync's, on one endpoint; no company id, email or secret in any label.
    let metrics = '';
    for (let i = 0; i < 50 && !/payroll_syncs_total\{/.test(metrics); i++) {
      metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()).catch(() => '');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(metrics).toMatch(/^temporal_workflow_task_schedule_to_start_latency\w*_count\{/m);
    expect(metrics).toMatch(/^temporal_workflow_completed\w*\{/m);
    expect(metrics).toMatch(/^payroll_syncs_total\{.*status="succeeded".*\} [1-9]/m);
    expect(metrics).toMatch(/^payroll_sync_duration_seconds_count\{.*\} [1-9]/m);
    expect(metrics).toMatch(/^personio_requests_total\{.*endpoint="compensations\.create".*outcome="20\d".*\} 10$/m);
    expect(metrics).not.toContain(s.companyId);
    expect(metrics).not.toMatch(/@/);
  });

  it('serves the API with `node dist/api/server.js`', async () => {
    const port = await freePort();
    const token = `prod-${randomBytes(16).toString('hex')}`;
    const env = h.workerEnv();
    const api = spawn(process.execPath, [join(prod, 'dist', 'api', 'server.js')], {
      cwd: prod,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', API_TOKENS: token },
      stdio: 'ignore',
    });
    children.push(api);
    const url = `http://127.0.0.1:${port}`;
    let ready = false;
    for (let i = 0; i < 200 && !ready; i++) {
      ready = await fetch(`${url}/readyz`).then((r) => r.status === 200).catch(() => false);
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(true);
    const res = await fetch(`${url}/v1/companies/nobody`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    // The docs page's Swagger UI assets come from swagger-ui-dist, a production dependency.
    expect((await fetch(`${url}/docs/assets/swagger-ui.css`)).status).toBe(200);
    // Request counts and latencies by route pattern and status, without a token.
    const metrics = await fetch(`${url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^http_requests_total\{method="GET",route="\/v1\/companies\/:companyId",status="404",ok="false"\} 1$/m);
    expect(metrics).toMatch(/^http_request_duration_seconds_count\{/m);
    expect(metrics).not.toContain('nobody');
  });

  it('re-keys stored secrets with `node dist/scripts/rekey.js`', async () => {
    const { stdout } = await run(process.execPath, [join(prod, 'dist', 'scripts', 'rekey.js')], { cwd: prod, env: h.workerEnv() });
    expect(stdout).toMatch(/^Checked \d+ stored secrets: 0 re-encrypted with key "test-key"/m);
    expect(stdout).toContain('CREDENTIALS_PREVIOUS_KEYS can be emptied');
  });
});
