// A worker as a separate OS process (the production entry point), so tests can kill it for real.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const workerEntry = fileURLToPath(new URL('../../worker.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

export function spawnWorker(env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', workerEntry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}
