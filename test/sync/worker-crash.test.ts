// The worker process is killed with SIGKILL in the middle of pushing, then restarted: no compensation
// is lost and none is paid twice, including a POST Personio stored while the worker died. The same drill runs
// against each sandbox personality at once (most of its time is the dead worker's heartbeat timeout), beside a
// deploy: SIGTERM mid-push, the worker stops within its grace time, and a new one finishes the sync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { compensationsOf, createScenario, expectExactlyOnce, startSync, waitForSync } from '../support/payroll-scenario.js';
import { SANDBOX_PERSONALITIES } from '../support/personalities.js';
import { waitFor } from '../support/processes.js';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.js';

const harnesses = new Map<string, Harness>();
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  for (const { name, personality } of SANDBOX_PERSONALITIES) {
    harnesses.set(name, await startHarness({ worker: 'external', ...(personality ? { personality } : {}) }));
  }
  harnesses.set('deploy', await startHarness({ worker: 'external' }));
});
afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  for (const h of harnesses.values()) await h.close();
});

describe('worker crash', () => {
  it.concurrent.each(SANDBOX_PERSONALITIES)('SIGKILL mid-push, then a restart: every compensation exactly once ($name sandbox)', { timeout: 180_000 }, async ({ name }) => {
    const h = harnesses.get(name) as Harness;
    const countHeld = async (persons: { id: string }[]) => (await compensationsOf(h, persons)).length;
    // The worker runs first: storing a mapped type checks it in Personio through the worker.
    const first = spawnWorker(h.workerEnv());
    workers.push(first);
    const s = await createScenario(h, { employees: 40 });
    // Slow POSTs keep the push going long enough to kill the worker in the middle of it.
    await h.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'latency', latencyMs: 60 });
    const started = await startSync(h, s);

    let held = 0;
    const midPush = async () => {
      held = await countHeld(s.persons);
      return held >= 20;
    };
    const deadline = Date.now() + 60_000;
    while (!(await midPush()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(held, first.output()).toBeGreaterThanOrEqual(20);
    expect(held).toBeLessThan(120);
    first.child.kill('SIGKILL');
    await first.exited;
    const heldAtKill = await countHeld(s.persons);
    expect(heldAtKill).toBeLessThan(120);

    const second = spawnWorker(h.workerEnv());
    workers.push(second);
    const sync = await waitForSync(h, s, started);
    expect(sync.status, second.output()).toBe('succeeded');
    expect(sync.counts).toMatchObject({ entries: 120, failed: 0 });
    // Posts of the killed worker are found again, and reported as this sync's own, not as "already there".
    expect(sync.counts).toMatchObject({ compensationsCreated: 120, alreadyPresent: 0 });
    await expectExactlyOnce(h, s);
    second.child.kill('SIGTERM');
    expect(await waitFor(() => second.child.exitCode !== null || second.child.signalCode !== null, 15_000)).toBe(true);
  });

  it.concurrent('SIGTERM mid-push: the worker stops within its grace time, a new worker finishes, every compensation exactly once', { timeout: 180_000 }, async () => {
    const h = harnesses.get('deploy') as Harness;
    const GRACE_MS = 2_000;
    const env = { ...h.workerEnv(), WORKER_SHUTDOWN_GRACE_MS: String(GRACE_MS) };
    const first = spawnWorker(env);
    workers.push(first);
    const s = await createScenario(h, { employees: 40 });
    // Slow POSTs: the push outlasts the grace time (120 POSTs in 4 chunks of 8 at a time: 4 rounds of 1.5 s).
    await h.admin.addFault({ method: 'POST', path: '/v2/compensations', kind: 'latency', latencyMs: 1_500 });
    const started = await startSync(h, s);
    const deadline = Date.now() + 60_000;
    while ((await compensationsOf(h, s.persons)).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const termAt = Date.now();
    first.child.kill('SIGTERM');
    const code = await first.exited;
    const stoppedAfterMs = Date.now() - termAt;
    expect(code, first.output().slice(-2000)).toBe(0);
    // The grace time, and the moment the cancelled pushes need to settle what is in flight.
    expect(stoppedAfterMs).toBeLessThan(GRACE_MS + 8_000);
    expect((await compensationsOf(h, s.persons)).length).toBeLessThan(120);

    const second = spawnWorker(env);
    workers.push(second);
    const sync = await waitForSync(h, s, started);
    expect(sync.status, second.output().slice(-2000)).toBe('succeeded');
    expect(sync.counts).toMatchObject({ entries: 120, failed: 0, compensationsCreated: 120 });
    await expectExactlyOnce(h, s);
    second.child.kill('SIGTERM');
    await second.exited;
  });
});
