// The naive baseline the benchmark compares the product with: a plain loop over the Personio client, in its
// own process, with the same request budget and POST concurrency as the worker, but no Temporal, no MongoDB,
// no ledger and no reconciliation. Resolve emails, create the missing types, post the compensations. Nothing
// makes it safe to run twice: that is the point of the comparison.
//   node --import tsx bench/naive-baseline.ts <job.json>   → prints one JSON line with its timings
import { readFileSync, writeFileSync } from 'node:fs';
import { createPersonioClientFactory, type PersonioCompensationType } from '../personio/index.js';
import { normalizeTypeName } from '../payroll/benefit-types.js';

export interface BaselineJob {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  requestsPerMinute: number;
  /** POSTs in flight at once (the product: PUSH_CONCURRENCY chunks × POSTS_IN_FLIGHT posts). */
  concurrency: number;
  period: string;
  effectiveFrom: string;
  currency: string;
  benefits: { benefitKey: string; benefitName: string; typeId: string | null }[];
  entries: { employeeEmail: string; benefitKey: string; amountCents: number }[];
}

export interface BaselineResult {
  ms: number;
  resolveMs: number;
  typesMs: number;
  postMs: number;
  created: number;
  failed: number;
  unmatched: number;
  rssAtStartMiB: number;
  /** VmHWM from the start of the loop (reset with clear_refs) to its end. */
  peakMiB: number;
  peakResetWorked: boolean;
  /** CPU seconds (user + system) this process used during the loop. */
  cpuSeconds: number;
  firstError?: string;
}

function memory(): { rssMiB: number; peakMiB: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

async function run(job: BaselineJob): Promise<BaselineResult> {
  const rssAtStartMiB = memory().rssMiB;
  let peakResetWorked = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    peakResetWorked = false;
  }
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const createClient = createPersonioClientFactory({ baseUrl: job.baseUrl, requestsPerMinute: job.requestsPerMinute });
  const client = createClient({ clientId: job.clientId, clientSecret: job.clientSecret });

  // 1. Resolve every employee by email (the client batches 50 emails per request).
  const emails = [...new Set(job.entries.map((e) => e.employeeEmail))];
  const found = await client.findPersonsByEmail(emails);
  const resolved = performance.now();

  // 2. Make sure every benefit has a type: mapped ones as they are, the others found by name or created.
  const types = await client.listCompensationTypes();
  const typeOf = new Map<string, string>();
  for (const benefit of job.benefits) {
    if (benefit.typeId) {
      typeOf.set(benefit.benefitKey, benefit.typeId);
      continue;
    }
    const wanted = normalizeTypeName(benefit.benefitName);
    const existing: PersonioCompensationType | undefined = types.find((t) => normalizeTypeName(t.name) === wanted);
    typeOf.set(benefit.benefitKey, (existing ?? (await client.createCompensationType(benefit.benefitName))).id);
  }
  const typed = performance.now();

  // 3. Post one compensation per entry, `concurrency` at a time.
  let next = 0;
  let created = 0;
  let failed = 0;
  let unmatched = 0;
  let firstError: string | undefined;
  const names = new Map(job.benefits.map((b) => [b.benefitKey, b.benefitName]));
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.entries.length) {
        const entry = job.entries[next++] as BaselineJob['entries'][number];
        const person = found.matched.get(entry.employeeEmail);
        if (!person) {
          unmatched++;
          continue;
        }
        try {
          await client.createCompensation({
            personId: person.id,
            typeId: typeOf.get(entry.benefitKey) as string,
            amountCents: entry.amountCents,
            currency: job.currency,
            effectiveFrom: job.effectiveFrom,
            comment: `${names.get(entry.benefitKey)} ${job.period}`,
          });
          created++;
        } catch (error) {
          failed++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const ended = performance.now();
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    ms: ended - started,
    resolveMs: resolved - started,
    typesMs: typed - resolved,
    postMs: ended - typed,
    created,
    failed,
    unmatched,
    rssAtStartMiB,
    peakMiB: memory().peakMiB,
    peakResetWorked,
    ...(firstError ? { firstError } : {}),
  };
}

const jobFile = process.argv[2];
if (!jobFile) {
  console.error('usage: node --import tsx bench/naive-baseline.ts <job.json>');
  process.exit(2);
}
run(JSON.parse(readFileSync(jobFile, 'utf8')) as BaselineJob).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
