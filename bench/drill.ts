// `npm run drill`: drills on the real stack that try to make the sync pay an employee twice or not at all, and
// print a Markdown report (exit code 1 when a check fails). Scenarios:
//
//   npm run drill                                        # resilience: worker SIGKILLs, a FerretDB restart, lost answers
//   npm run drill -- --workers 3 --rate-limit-rpm 150    # rate-limit: one credential limit shared by 3 workers, SIGKILLs
//   npm run drill -- --scenario overlap                  # push attempts outliving their start-to-close timeout
//   npm run drill -- --scenario failed-chunk             # a chunk failing for good while the others push; then a retry
//   npm run drill -- --scenario all                      # every one of them, one after the other
//
// Options: --scenario resilience|rate-limit|overlap|failed-chunk|all (default: rate-limit when --workers or
// --rate-limit-rpm is given, else resilience), --employees n (2 benefits each; defaults per scenario: 2000, 200,
// 100, 300), --kills n (worker SIGKILLs: resilience 4, the first during employee resolution; rate-limit 2),
// --workers n (rate-limit 3, overlap and failed-chunk 2), --rate-limit-rpm n (the credential's limit, enforced by
// the sandbox and given to every worker: rate-limit 150, overlap 240, failed-chunk 300), --no-retry-after (429s
// without Retry-After), --push-timeout-seconds n (overlap: a push attempt's start-to-close, default 20),
// --request-timeout-ms n (the workers' PERSONIO_TIMEOUT_MS: overlap 2000, failed-chunk 15000), --fault-rate r
// (resilience: share of compensation POSTs hit by commit_then_drop, and again by 503/502; default 0.01),
// --no-db-restart, --db-kill (SIGKILL FerretDB instead of SIGTERM), --db-down-ms n (default 12000: longer than
// the worker's 10 s MongoDB server-selection timeout), --mongo-log (the MongoDB driver's logs into the worker
// logs), --strict (resilience: also fail when the export log does not account for every entry),
// --restart-delay-ms n (before a killed worker is restarted, default 1000), --timeout-minutes n (per scenario,
// default 20), --keep (keep the temp data dir with every log).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DrillOptions, DrillResult } from './drills/context.js';
import { failedChunkDrill } from './drills/failed-chunk.js';
import { overlapDrill } from './drills/overlap.js';
import { rateLimitDrill } from './drills/rate-limit.js';
import { resilienceDrill } from './drills/resilience.js';

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string' },
    employees: { type: 'string' },
    kills: { type: 'string' },
    workers: { type: 'string' },
    'rate-limit-rpm': { type: 'string' },
    'no-retry-after': { type: 'boolean', default: false },
    'push-timeout-seconds': { type: 'string' },
    'request-timeout-ms': { type: 'string' },
    'no-db-restart': { type: 'boolean', default: false },
    'db-kill': { type: 'boolean', default: false },
    'db-down-ms': { type: 'string' },
    strict: { type: 'boolean', default: false },
    'mongo-log': { type: 'boolean', default: false },
    'fault-rate': { type: 'string' },
    'restart-delay-ms': { type: 'string' },
    'timeout-minutes': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});

const SCENARIOS: Record<string, (o: DrillOptions) => Promise<DrillResult>> = {
  resilience: resilienceDrill,
  'rate-limit': rateLimitDrill,
  overlap: overlapDrill,
  'failed-chunk': failedChunkDrill,
};

const number = (name: keyof typeof args): number | undefined => {
  const raw = args[name];
  if (typeof raw !== 'string') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, got ${raw}`);
  return value;
};

const scenario = args.scenario ?? (args.workers !== undefined || args['rate-limit-rpm'] !== undefined ? 'rate-limit' : 'resilience');
const chosen = scenario === 'all' ? Object.keys(SCENARIOS) : [scenario];
for (const name of chosen) if (!SCENARIOS[name]) throw new Error(`unknown --scenario ${name}; one of ${[...Object.keys(SCENARIOS), 'all'].join(', ')}`);

const dataDir = mkdtempSync(join(tmpdir(), 'payroll-drill-'));
const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

async function main(): Promise<number> {
  process.stderr.write(`[drill] data dir ${dataDir}\n`);
  let failed = 0;
  for (const name of chosen) {
    const options: DrillOptions = {
      ...defined({
        employees: number('employees'),
        kills: number('kills'),
        workers: number('workers'),
        rateLimitRpm: number('rate-limit-rpm'),
        pushTimeoutSeconds: number('push-timeout-seconds'),
        requestTimeoutMs: number('request-timeout-ms'),
        faultRate: number('fault-rate'),
      }),
      dataDir: chosen.length > 1 ? mkdtempSync(join(dataDir, `${name}-`)) : dataDir,
      noRetryAfter: args['no-retry-after'] === true,
      restartDelayMs: number('restart-delay-ms') ?? 1_000,
      timeoutMs: (number('timeout-minutes') ?? 20) * 60_000,
      noDbRestart: args['no-db-restart'] === true,
      dbKill: args['db-kill'] === true,
      dbDownMs: number('db-down-ms') ?? 12_000,
      strict: args.strict === true,
      mongoLog: args['mongo-log'] === true,
    };
    const result = await (SCENARIOS[name] as (o: DrillOptions) => Promise<DrillResult>)(options);
    console.log(`${result.report}\n`);
    if (!result.ok) {
      failed++;
      process.stderr.write(`[drill] ${name}: DRILL FAILED; logs in ${options.dataDir}/logs\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

main()
  .then((code) => {
    if (code === 0 && !args.keep) rmSync(dataDir, { recursive: true, force: true });
    else process.stderr.write(`[drill] kept ${dataDir}\n`);
    process.exit(code);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.stderr.write(`[drill] logs kept in ${dataDir}\n`);
    process.exit(2);
  });
