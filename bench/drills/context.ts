// What every drill shares: its options, a log on stderr, a timeline of what the drill did, and its verdict.
import { describeLoad, type LoadSnapshot } from '../support/machine.js';

export interface DrillOptions {
  dataDir: string;
  employees?: number;
  kills?: number;
  workers?: number;
  rateLimitRpm?: number;
  /** The sandbox answers 429 without Retry-After (Personio documents none). */
  noRetryAfter: boolean;
  pushTimeoutSeconds?: number;
  requestTimeoutMs?: number;
  faultRate?: number;
  restartDelayMs: number;
  timeoutMs: number;
  noDbRestart: boolean;
  dbKill: boolean;
  dbDownMs: number;
  strict: boolean;
  mongoLog: boolean;
}

export interface DrillResult {
  ok: boolean;
  /** The drill's report, Markdown (for docs/benchmarks.md). */
  report: string;
}

export interface DrillEvent {
  atSeconds: number;
  what: string;
}

export class DrillTimeline {
  readonly startedAt = Date.now();
  readonly events: DrillEvent[] = [];

  constructor(private readonly name: string) {}

  seconds(at = Date.now()): number {
    return (at - this.startedAt) / 1000;
  }

  log(line: string): void {
    process.stderr.write(`[drill ${this.name} +${this.seconds().toFixed(1).padStart(6)} s] ${line}\n`);
  }

  /** A step of the drill: logged now, and kept for the report's timeline. */
  note(what: string): void {
    this.events.push({ atSeconds: this.seconds(), what });
    this.log(what);
  }

  table(): string[] {
    return ['| time | event |', '|---|---|', ...this.events.map((e) => `| +${e.atSeconds.toFixed(1)} s | ${e.what} |`)];
  }
}

export const loadLine = (load: LoadSnapshot) => `Load at start: ${describeLoad(load)}.`;

export const yesNo = (ok: boolean) => (ok ? 'yes' : 'NO');
