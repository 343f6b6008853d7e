// What the figures were taken on, and how busy the machine was: the machine is shared (other engineers run
// vitest and dev stacks here), so the bench waits for quiet and records the load it ran under.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { sleep } from './processes.js';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memTotalGiB: number;
  freeH: string;
  node: string;
  kernel: string;
}

export function machineInfo(): MachineInfo {
  const run = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memTotalGiB: totalmem() / 1024 ** 3,
    freeH: run('free', ['-h']),
    node: process.version,
    kernel: run('uname', ['-sr']),
  };
}

function cpuTimes(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** Share of all CPUs busy over `ms` (0..1), from /proc/stat. */
export async function cpuBusy(ms = 2_000): Promise<number> {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

/** Process ids of this process, its ancestors (npm, tsx) and everything it started. */
function ownTree(rows: { pid: number; ppid: number }[]): Set<number> {
  const own = new Set([process.pid]);
  const parentOf = new Map(rows.map((r) => [r.pid, r.ppid]));
  for (let pid = parentOf.get(process.pid); pid !== undefined && pid > 1 && !own.has(pid); pid = parentOf.get(pid)) own.add(pid);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of rows) if (!own.has(r.pid) && own.has(r.ppid)) own.add(r.pid), (grew = true);
  }
  return own;
}

/** Other people's heavy processes: vitest runs, dev stacks, Temporal/FerretDB servers, workers, builds. */
export function foreignHeavyProcesses(): string[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-eo', 'pid=,ppid=,pcpu=,args='], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const rows = out
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+([\d.]+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), pcpu: Number(m[3]), args: m[4] as string }));
  const own = ownTree(rows);
  const heavy = /vitest|ferretdb|temporal server|worker\.ts|dev\/dev\.ts|tsc\b|bench\/(bench|drill)\.ts/;
  return rows.filter((r) => !own.has(r.pid) && heavy.test(r.args)).map((r) => `${r.pid} ${r.args.slice(0, 140)}`);
}

export interface LoadSnapshot {
  at: string;
  loadavg: [number, number, number];
  cpuBusy: number;
  foreign: string[];
}

export async function loadSnapshot(sampleMs = 2_000): Promise<LoadSnapshot> {
  const busy = await cpuBusy(sampleMs);
  const [a = 0, b = 0, c = 0] = loadavg();
  return { at: new Date().toISOString(), loadavg: [a, b, c], cpuBusy: busy, foreign: foreignHeavyProcesses() };
}

/**
 * Waits until no foreign vitest / stack process runs and the CPUs are mostly idle, up to `maxWaitMs`.
 * Returns the last snapshot and whether it was quiet.
 */
export async function waitForQuiet(opts: { maxWaitMs: number; maxBusy?: number; log: (line: string) => void }): Promise<{ quiet: boolean; snapshot: LoadSnapshot }> {
  const deadline = Date.now() + opts.maxWaitMs;
  const maxBusy = opts.maxBusy ?? 0.25;
  for (;;) {
    const snapshot = await loadSnapshot(3_000);
    const quiet = snapshot.foreign.length === 0 && snapshot.cpuBusy <= maxBusy;
    if (quiet || Date.now() >= deadline) return { quiet, snapshot };
    opts.log(
      `machine busy (CPU ${(snapshot.cpuBusy * 100).toFixed(0)}%, load ${snapshot.loadavg.map((l) => l.toFixed(2)).join(' ')}, ${snapshot.foreign.length} foreign heavy processes); waiting…`,
    );
    await sleep(15_000);
  }
}

export const describeLoad = (s: LoadSnapshot) =>
  `load average ${s.loadavg.map((l) => l.toFixed(2)).join(', ')}; CPU busy ${(s.cpuBusy * 100).toFixed(0)}% (2 s sample); ` +
  (s.foreign.length === 0 ? 'no other vitest/stack process running' : `${s.foreign.length} other heavy processes: ${s.foreign.join(' | ')}`);

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system) a live process has used so far, from /proc/<pid>/stat; NaN when gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Which service a stack process is, from its command line. */
export function processName(pid: number): string {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes('ferretdb')) return 'FerretDB';
    if (cmdline.includes('temporal')) return 'Temporal';
    return `pid ${pid}`;
  } catch {
    return `pid ${pid}`;
  }
}
