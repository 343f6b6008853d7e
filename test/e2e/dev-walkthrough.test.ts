// A newcomer's first minutes, end to end: a fresh copy of the repository, `npm run dev` (the whole local
// stack, seeded with the demo company), then `npm run demo` (the scripted walk-through, four eyes included)
// against it, and a clean stop that leaves no Temporal or FerretDB process behind.
//
// The copy holds the repository's tracked and untracked, non-ignored files (`git ls-files -co
// --exclude-standard`), i.e. what a clone would hold once the working tree is committed; node_modules is
// a symlink to the repository's (no npm ci here). Ports are free ones (PORT=0 and the stack's own picks).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { isRunning, waitFor } from '../support/processes.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const EXTERNAL_SERVICE_VARS = ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'SMTP_URL', 'PERSONIO_BASE_URL'];
// Anything the developer's shell might carry that would change what the dev command does.
const OTHER_OVERRIDES = ['PORT', 'HOST', 'API_TOKENS', 'API_TOKEN', 'API_URL', 'CREDENTIALS_KEY', 'TEMPORAL_UI_URL', 'PLATFORM_BASE_URL', 'DEV_SEED', 'DEV_ENDPOINTS_FILE', 'DEMO_COMPANY_ID', 'DEMO_PERIOD'];

const root = mkdtempSync(join(tmpdir(), 'payroll-sync-e2e-'));
const checkout = join(root, 'checkout');
const dataDir = join(root, 'data');
let dev: ChildProcess | undefined;
let devExited: Promise<number | null> | undefined;
let devOutput = '';

function copyWorkingTree(): number {
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
  let copied = 0;
  for (const file of listed) {
    const from = join(repoRoot, file);
    if (!existsSync(from)) continue; // tracked but deleted in the working tree
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    copyFileSync(from, join(checkout, file));
    copied++;
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  return copied;
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DEV_DATA_DIR: dataDir, PORT: '0' };
  for (const name of [...EXTERNAL_SERVICE_VARS, ...OTHER_OVERRIDES.filter((n) => n !== 'PORT')]) delete env[name];
  return env;
}

/** PIDs of processes whose command line mentions this run's data dir (its Temporal and FerretDB). */
function processesOfThisRun(): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(dataDir) && isRunning(Number(entry))) found.push({ pid: Number(entry), cmd });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const groupAlive = (pid: number) => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function stopDev(): Promise<void> {
  if (!dev?.pid || !groupAlive(dev.pid)) return;
  process.kill(-dev.pid, 'SIGTERM');
  const stopped = await Promise.race([devExited!.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30_000))]);
  // npm and sh exit with the dev command; anything of the group still there after that gets SIGKILL.
  if (!stopped || !(await waitFor(() => !groupAlive(dev!.pid!), 10_000))) {
    try {
      process.kill(-dev.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Runs a command to completion, collecting its output. */
function run(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), opts.timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Endpoints {
  apiUrl: string;
  docsUrl: string;
  temporalUiUrl: string;
  mailWebUrl: string;
  webhookCatcherUrl: string;
  demo: { companyId: string; period: string } | null;
}

/** Polls (short, growing intervals; no fixed sleep) until the endpoints file exists and the API is ready. */
async function waitForEndpoints(file: string, exited: () => boolean, timeoutMs = 180_000): Promise<Endpoints> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    if (exited()) throw new Error(`npm run dev exited during startup:\n${devOutput.slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`npm run dev was not ready within ${timeoutMs / 1000} s:\n${devOutput.slice(-4000)}`);
    if (existsSync(file)) {
      const candidate = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
      if (await fetch(`${candidate.apiUrl}/readyz`).then((r) => r.status === 200, () => false)) return candidate;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

let keepForInspection = false;
afterAll(async () => {
  await stopDev();
  if (keepForInspection) {
    writeFileSync(join(root, 'dev-output.log'), devOutput);
    console.error(`e2e failed: the copy, the dev command's output (dev-output.log) and the stack's logs (data/logs) are kept in ${root}`);
  } else rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('the dev command and the walk-through, from a fresh copy of the repository', () => {
  it('starts, seeds the demo, runs the walk-through, and stops without leftovers', async () => {
    onTestFailed(() => {
      keepForInspection = true;
    });
    const started = Date.now();
    expect(copyWorkingTree()).toBeGreaterThan(50);
    const env = childEnv();

    // 1. npm run dev, in its own process group.
    dev = spawn('npm', ['run', 'dev'], { cwd: checkout, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    devExited = new Promise((resolve) => dev!.once('exit', (code) => resolve(code)));
    let exitedEarly = false;
    void devExited.then(() => (exitedEarly = true));
    dev.stdout!.on('data', (chunk: Buffer) => (devOutput += chunk.toString()));
    dev.stderr!.on('data', (chunk: Buffer) => (devOutput += chunk.toString()));

    // 2. Ready when the endpoints file exists (written after the API is up and the seed is done) and /readyz answers.
    const endpointsFile = join(dataDir, 'dev-endpoints.json');
    const endpoints = await waitForEndpoints(endpointsFile, () => exitedEarly);
    const readyAfterMs = Date.now() - started;

    // What the newcomer sees: every URL and the walk-through hint.
    expect(devOutput).toContain('Payroll sync is running.');
    for (const label of ['API ', 'OpenAPI docs', 'Temporal Web UI', 'Caught mail', 'Caught webhooks', 'Personio', 'npm run demo']) expect(devOutput).toContain(label);
    expect(devOutput).toContain(`Caught webhooks ${endpoints.webhookCatcherUrl}`);
    expect(devOutput).toContain(`API             ${endpoints.apiUrl}`);
    expect(devOutput).toMatch(/\[seed\] demo company "demo-gmbh": added 50 persons/);
    expect(endpoints.demo?.companyId).toBe('demo-gmbh');
    expect((await fetch(endpoints.docsUrl)).status).toBe(200);
    expect((await fetch(endpoints.mailWebUrl)).status).toBe(200);
    expect((await fetch(endpoints.webhookCatcherUrl)).status).toBe(200);
    expect((await fetch(endpoints.temporalUiUrl)).status).toBe(200);

    // The stack's own processes of this run (found through the data dir in their command lines).
    const stackProcesses = processesOfThisRun();
    expect(stackProcesses.some((p) => p.cmd.includes('temporal') && p.cmd.includes('server start-dev'))).toBe(true);
    expect(stackProcesses.some((p) => p.cmd.includes('ferretdb'))).toBe(true);

    // 3. npm run demo: the walk-through with its own expectations (exit code 1 when one fails).
    const demo = await run('npm', ['run', 'demo', '--', '--require-email'], { cwd: checkout, env, timeoutMs: 150_000 });
    const output = demo.stdout + demo.stderr;
    expect(demo.code, output).toBe(0);
    expect(output).toContain('Walk-through complete: every expectation met.');
    expect(output).toContain('✓ the stored credentials reach Personio with every permission the sync needs');
    expect(output).toMatch(/50 employees: 46 matched, 3 not found in Personio, 1 inactive/);
    expect(output).toMatch(/would create (\d+) compensations/);
    const planned = Number(/would create (\d+) compensations/.exec(output)?.[1]);
    expect(planned).toBeGreaterThan(0);
    expect(output).toContain(`created ${planned} compensations, already in Personio 0, corrections 0, failed 0`);
    expect(output).toContain('compensation type "Mobilitätsbudget" for mobility: created');
    expect(output).toContain(`created 0, corrections 0, already in Personio ${planned}, failed 0`);
    expect(output).toMatch(/caught: ".+" to hr@demo-gmbh\.example/);
    expect(output).toContain('✓ the platform received a verified payroll_sync.completed webhook of the sync');
    expect(await (await fetch(endpoints.webhookCatcherUrl)).text()).toContain('✓ signature verified');
    // Four eyes on the next month: previewed and waiting, the starter refused, a second person approves, Personio holds the preview.
    expect(output).toContain('✓ the sync awaits approval with its preview');
    expect(output).toMatch(/✓ nothing was written while it waits: Personio \(sandbox\) holds \d+ compensations of demo-gmbh, as before/);
    expect(output).toContain('HTTP 409 urn:payroll-sync:problem:four-eyes: hr@demo-gmbh.example started this sync');
    const previewed = Number(/would create (\d+), would correct 0, already in Personio 0;/.exec(output)?.[1]);
    expect(previewed).toBeGreaterThan(0);
    expect(output).toContain(`created ${previewed}, already in Personio 0, corrections 0, failed 0`);
    expect(output).toMatch(/✓ Personio holds exactly the preview for \d{4}-\d{2}: every employee, type and amount/);
    expect(output).toContain('✓ the company syncs without approval again');
    expect(output).not.toContain('✗');

    // The caught emails: a summary per sync (the re-run's and the approved sync's are sent just after their results
    // are recorded) and the approved sync's "ready for approval" mail.
    type CaughtMail = { subject: string; to: string[] };
    const demoMails = async () =>
      ((await (await fetch(`${endpoints.mailWebUrl}/api/messages`)).json()) as CaughtMail[]).filter((m) => m.to.includes('hr@demo-gmbh.example'));
    let mails: CaughtMail[] = [];
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      mails = await demoMails();
      if (mails.length >= 4) break;
    }
    expect(mails.length).toBeGreaterThanOrEqual(4);
    expect(await (await fetch(endpoints.mailWebUrl)).text()).toContain(mails[0]!.subject.split(' ')[0]);

    // 4. Ctrl-C equivalent for the whole process group: nothing of this run stays behind.
    await stopDev();
    expect(await waitFor(() => processesOfThisRun().length === 0, 15_000), JSON.stringify(processesOfThisRun())).toBe(true);
    expect(stackProcesses.every((p) => !isRunning(p.pid))).toBe(true);
    expect(groupAlive(dev.pid!)).toBe(false);
    expect(existsSync(endpointsFile)).toBe(false);
    expect(devOutput).toContain('[dev] shutting down');

    console.log(`e2e: dev ready after ${(readyAfterMs / 1000).toFixed(1)} s, whole run ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 240_000);
});
