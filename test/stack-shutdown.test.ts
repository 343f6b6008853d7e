// The stack leaves no orphan processes: neither after a clean stop nor when its parent dies abruptly.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, waitFor } from './support/processes.js';

const childScript = fileURLToPath(new URL('./fixtures/stack-child.ts', import.meta.url));
const dirs: string[] = [];

async function startChildStack() {
  const dataDir = mkdtempSync(join(tmpdir(), 'payroll-sync-shutdown-'));
  dirs.push(dataDir);
  const env = { ...process.env };
  for (const name of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'SMTP_URL', 'PERSONIO_BASE_URL']) delete env[name];
  // node itself (not the tsx CLI, which would add a parent process of its own) so that SIGKILL hits the stack's parent.
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, dataDir], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`stack child exited early with ${code}`)));
  });
  const { pids } = JSON.parse(firstLine) as { pids: number[] };
  return { child, pids, exited };
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('stack shutdown', () => {
  it('stops Temporal and FerretDB on SIGTERM', async () => {
    const { child, pids, exited } = await startChildStack();
    expect(pids).toHaveLength(2);
    expect(pids.every(isRunning)).toBe(true);
    child.kill('SIGTERM');
    await exited;
    expect(await waitFor(() => pids.every((pid) => !isRunning(pid)), 15_000)).toBe(true);
  });

  it('leaves no orphans when the parent is killed with SIGKILL', async () => {
    const { child, pids, exited } = await startChildStack();
    expect(pids.every(isRunning)).toBe(true);
    child.kill('SIGKILL');
    await exited;
    expect(await waitFor(() => pids.every((pid) => !isRunning(pid)), 15_000)).toBe(true);
  });
});
