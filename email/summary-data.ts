// Reads what the summary email of a sync shows: the run, its company, and its problem entries (one query
// on sync_entry_results, streamed, the first lines kept), plus the Personio names of those employees.
import type { Db } from 'mongodb';
import { companyCollections, type CompanyDoc } from '../db/companies.js';
import { findRun, syncRunCollections, type EntryResultStatus, type SyncRunDoc } from '../db/sync-runs.js';
import { syncWorkCollections } from '../db/sync-work.js';
import { createProblemCollector, exportLogUrl, MAX_PROBLEM_LINES, NOT_A_PROBLEM, type ProblemSummary, type SummaryInput } from './summary-model.js';

/** Statuses whose employee was found in Personio, so a name is known. */
const NAMED: ReadonlySet<EntryResultStatus> = new Set(['needs_manual_correction', 'failed', 'inactive', 'type_missing', 'type_not_allowed', 'pending']);

export async function loadProblems(db: Db, syncId: string, limit = MAX_PROBLEM_LINES): Promise<ProblemSummary> {
  const { entryResults } = syncRunCollections(db);
  const { personMatches } = syncWorkCollections(db);
  const collector = createProblemCollector(limit);
  const cursor = entryResults
    .find(
      { syncId, status: { $nin: [...NOT_A_PROBLEM] } },
      { projection: { _id: 0, index: 1, employeeEmail: 1, benefitKey: 1, amountCents: 1, currency: 1, status: 1, reason: 1, errorKind: 1, missingScope: 1, heldCents: 1, dueCents: 1 } },
    )
    .sort({ index: 1 });
  for await (const doc of cursor) {
    collector.add({
      index: doc.index,
      employeeEmail: doc.employeeEmail,
      benefitKey: doc.benefitKey,
      amountCents: doc.amountCents,
      currency: doc.currency,
      status: doc.status,
      ...(doc.reason ? { reason: doc.reason } : {}),
      ...(doc.errorKind ? { errorKind: doc.errorKind } : {}),
      ...(doc.missingScope ? { missingScope: doc.missingScope } : {}),
      ...(doc.heldCents !== undefined && doc.dueCents !== undefined ? { heldCents: doc.heldCents, dueCents: doc.dueCents } : {}),
    });
  }
  const summary = collector.result();
  const emails = [...new Set(summary.shown.filter((p) => NAMED.has(p.status)).map((p) => p.employeeEmail))];
  const names = new Map<string, string>();
  await Promise.all(
    emails.map(async (email) => {
      const match = await personMatches.findOne({ _id: `${syncId}:${email}` }, { projection: { name: 1 } });
      if (match?.name) names.set(email, match.name);
    }),
  );
  for (const problem of summary.shown) {
    const name = names.get(problem.employeeEmail);
    if (name) problem.personName = name;
  }
  return summary;
}

const NO_PROBLEM_SCAN: ReadonlySet<SyncRunDoc['status']> = new Set(['succeeded', 'rejected', 'expired']);

export interface LoadedSummary {
  run: SyncRunDoc;
  company: CompanyDoc;
  input: SummaryInput;
}

/** Everything the summary of `syncId` needs, or undefined when the sync or its company does not exist. */
export async function loadSummary(db: Db, syncId: string, opts: { platformBaseUrl: string; companyId?: string }): Promise<LoadedSummary | undefined> {
  const run = await findRun(db, syncId);
  if (!run || (opts.companyId !== undefined && run.companyId !== opts.companyId)) return undefined;
  const company = await companyCollections(db).companies.findOne({ _id: run.companyId });
  if (!company) return undefined;
  return { run, company, input: await summaryInputOf(db, run, company, opts.platformBaseUrl) };
}

export async function summaryInputOf(db: Db, run: SyncRunDoc, company: CompanyDoc, platformBaseUrl: string): Promise<SummaryInput> {
  return {
    run,
    company: { name: company.name, locale: company.locale, timezone: company.timezone },
    // A succeeded sync has no problem entry by definition (finishSync), a never approved one no entry result at all
    // (its preview has them): no scan of its results.
    problems: NO_PROBLEM_SCAN.has(run.status) ? createProblemCollector().result() : await loadProblems(db, run._id),
    logUrl: exportLogUrl(platformBaseUrl, run.companyId, run._id),
  };
}
