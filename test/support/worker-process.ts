// A worker as a separate OS process (the production entry point), so tests can kill it for real.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const workerEntry = fileURLToPath(new URL('../../worker.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

/** By default the worker's TypeScript source; `{ entry }` runs a built file (e.g. dist/worker.js) with plain node. */
export function spawnWorker(env: NodeJS.ProcessEnv, opts: { entry?: string } = {}): WorkerProcess {
  const args = opts.entry ? [opts.entry] : ['--import', 'tsx', workerEntry];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}
