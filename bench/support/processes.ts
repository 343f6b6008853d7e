// Worker processes (the production entry point, worker.ts) and their memory, read from the kernel.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const workerEntry = fileURLToPath(new URL('../../worker.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  /** The last ~20 KB of its output. */
  tail(): string;
  /** Resolves once the worker logged "worker started" (its workflow bundle is built and it connects). */
  ready: Promise<void>;
  /** SIGKILL (no drain, no cleanup) and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (drains in-flight tasks), SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

const isGone = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export function spawnWorker(env: NodeJS.ProcessEnv, logFile: string, readyTimeoutMs = 180_000): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', workerEntry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('the worker process could not be started');
  const log = createWriteStream(logFile, { flags: 'a' });
  let tail = '';
  let onOutput: (() => void) | undefined;
  const collect = (chunk: Buffer) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-20_000);
    onOutput?.();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (log.end(), resolve(code))));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready within ${readyTimeoutMs} ms:\n${tail.slice(-2000)}`)), readyTimeoutMs);
    onOutput = () => {
      if (tail.includes('"msg":"worker started"')) {
        clearTimeout(timer);
        onOutput = undefined;
        resolve();
      }
    };
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (code ${code}) before it was ready:\n${tail.slice(-2000)}`));
    });
  });
  ready.catch(() => undefined);
  return {
    child,
    pid: child.pid,
    exited,
    tail: () => tail,
    ready,
    async kill() {
      if (!isGone(child)) child.kill('SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 30_000) {
      if (isGone(child)) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface ProcessMemory {
  rssMiB: number;
  /** Peak resident set size (VmHWM) since the start or the last resetPeakRss(). */
  peakMiB: number;
}

export function processMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** Resets VmHWM to the current RSS (Linux: `echo 5 > /proc/<pid>/clear_refs`); false where not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export { setTimeout as sleep } from 'node:timers/promises';
