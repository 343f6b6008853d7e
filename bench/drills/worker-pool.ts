// The drills' worker processes (the production entry point), started, SIGKILLed and restarted like a supervisor
// (docker compose's `restart: unless-stopped`) would: a worker that exits by itself is restarted too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, spawnWorker, type WorkerProcess } from '../support/processes.js';
import type { DrillTimeline } from './context.js';

export class WorkerPool {
  readonly all: WorkerProcess[] = [];
  private readonly endedByDrill = new Set<WorkerProcess>();
  private closing = false;
  /** Worker exits the drill did not cause (restarted). */
  selfExits = 0;

  constructor(
    private readonly opts: { env: NodeJS.ProcessEnv; logDir: string; timeline: DrillTimeline; restartDelayMs: number },
  ) {}

  /** The number a worker goes by in the drill's report (1-based, in start order). */
  numberOf(worker: WorkerProcess): number {
    return this.all.indexOf(worker) + 1;
  }

  live(): WorkerProcess[] {
    return this.all.filter((w) => !this.endedByDrill.has(w) && w.child.exitCode === null && w.child.signalCode === null);
  }

  start(env: NodeJS.ProcessEnv = this.opts.env): WorkerProcess {
    const worker = spawnWorker(env, join(this.opts.logDir, `worker-${this.all.length + 1}.log`));
    this.all.push(worker);
    const n = this.numberOf(worker);
    void worker.ready.then(
      () => this.opts.timeline.log(`worker ${n} (pid ${worker.pid}) ready`),
      () => undefined,
    );
    void worker.exited.then(async (code) => {
      if (this.closing || this.endedByDrill.has(worker)) return;
      this.selfExits++;
      this.opts.timeline.note(`worker ${n} (pid ${worker.pid}) exited by itself (code ${code}); restarting it in ${this.opts.restartDelayMs} ms`);
      await sleep(this.opts.restartDelayMs);
      if (this.closing) return;
      const next = this.start(env);
      this.opts.timeline.note(`worker ${this.numberOf(next)} (pid ${next.pid}) started`);
    });
    return worker;
  }

  /** Starts `n` workers and waits until every one is ready. */
  async startMany(n: number): Promise<WorkerProcess[]> {
    const started = Array.from({ length: n }, () => this.start());
    await Promise.all(started.map((w) => w.ready));
    return started;
  }

  /** SIGKILL (no drain), then a new worker after the restart delay. Answers the new worker. */
  async killAndRestart(victim: WorkerProcess, why: string): Promise<WorkerProcess> {
    this.endedByDrill.add(victim);
    await victim.kill();
    this.opts.timeline.note(`SIGKILL worker ${this.numberOf(victim)} (pid ${victim.pid}) ${why}`);
    await sleep(this.opts.restartDelayMs);
    const next = this.start();
    this.opts.timeline.note(`worker ${this.numberOf(next)} (pid ${next.pid}) started`);
    return next;
  }

  async stopAll(): Promise<void> {
    this.closing = true;
    for (const w of this.all) {
      this.endedByDrill.add(w);
      await w.stop(10_000);
    }
  }

  /** Every worker's log, in start order. */
  logs(): string[] {
    return this.all.map((_, i) => {
      try {
        return readFileSync(join(this.opts.logDir, `worker-${i + 1}.log`), 'utf8');
      } catch {
        return '';
      }
    });
  }
}
