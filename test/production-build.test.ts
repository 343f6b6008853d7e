// The production build (what the Dockerfile runs): compiled JavaScript and the prebundled workflows,
// started with plain node, syncs a company end to end and serves the API.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../dev/free-port.js';
import { startHarness, type Harness } from './support/harness.js';
import { createScenario, expectExactlyOnce, runSync } from './support/payroll-scenario.js';
import { spawnWorker, type WorkerProcess } from './support/worker-process.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const children: { kill(signal: NodeJS.Signals): boolean }[] = [];
let h: Harness;

beforeAll(async () => {
  await promisify(execFile)('npm', ['run', 'build'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  h = await startHarness({ worker: 'external' });
}, 300_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await h?.close();
});

describe('production build', () => {
  it('runs a sync with `node dist/worker.js` and its prebundled workflows, and serves its metrics', async () => {
    const metricsPort = await freePort();
    const worker: WorkerProcess = spawnWorker({ ...h.workerEnv(), WORKER_METRICS_PORT: String(metricsPort) }, { entry: `${root}dist/worker.js` });
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
    const api = spawn(process.execPath, [`${root}dist/api/server.js`], {
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
    // Request counts and latencies by route pattern and status, without a token.
    const metrics = await fetch(`${url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^http_requests_total\{method="GET",route="\/v1\/companies\/:companyId",status="404",ok="false"\} 1$/m);
    expect(metrics).toMatch(/^http_request_duration_seconds_count\{/m);
    expect(metrics).not.toContain('nobody');
  });
});
