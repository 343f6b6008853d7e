// Child processes of the local stack: logs to a file, stopped with SIGTERM then SIGKILL, and
// (through util-linux `setpriv --pdeathsig`) killed by the kernel if this process dies without cleanup.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  stop(timeoutMs?: number): Promise<void>;
}

const hasSetpriv = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;

export function startManagedProcess(name: string, command: string, args: string[], logFile: string): ManagedProcess {
  const [file, argv] = hasSetpriv ? ['setpriv', ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (child.pid === undefined) throw new Error(`${name} could not be started (${command})`);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid: child.pid,
    logFile,
    exited,
    stop(timeoutMs = 10_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await exited;
        clearTimeout(timer);
        log.end();
      })();
      return stopping;
    },
  };
}

/** Polls `check` until it resolves true, failing early when the process exits. No fixed sleeps: short polls. */
export async function waitUntilReady(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; process?: ManagedProcess },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let processExited = false;
  void opts.process?.exited.then(() => {
    processExited = true;
  });
  let delay = 50;
  while (Date.now() < deadline) {
    if (processExited) throw new Error(`${what} exited during startup; see ${opts.process?.logFile}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 500);
  }
  throw new Error(`${what} was not ready within ${opts.timeoutMs} ms${opts.process ? `; see ${opts.process.logFile}` : ''}`);
}
