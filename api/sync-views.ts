// How sync runs look from the outside: export-log summaries and details, money as cents and decimals.
import type { Client } from '@temporalio/client';
import type { Db, Filter } from 'mongodb';
import { PROGRESS_QUERY, type SyncProgress } from '../contracts/sync.js';
import { workflowUiUrl, type TemporalUiConfig } from '../contracts/temporal-ui.js';
import { syncRunCollections, type SyncEntryResultDoc, type SyncRunDoc } from '../db/sync-runs.js';
import { customerFailureMessage } from '../i18n/failure-messages.js';
import { centsToDecimalString } from '../payroll/money.js';

export type ViewConfig = TemporalUiConfig;

const RETRYABLE: ReadonlySet<SyncRunDoc['status']> = new Set(['failed', 'partially_failed', 'rejected', 'expired']);

export function syncSummaryView(config: ViewConfig, run: SyncRunDoc) {
  const self = `/v1/companies/${run.companyId}/payroll-syncs/${run._id}`;
  return {
    syncId: run._id,
    companyId: run.companyId,
    period: run.period,
    status: run.status,
    trigger: run.trigger,
    dryRun: run.dryRun,
    pastCutoff: run.pastCutoff ?? false,
    retryOf: run.retryOf ?? null,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    counts: (run.counts as unknown as Record<string, number> | undefined) ?? null,
    workflowId: run.workflowId,
    runId: run.runId ?? null,
    temporalUiUrl: workflowUiUrl(config, run.workflowId, run.runId),
    startedBy: run.startedBy ?? null,
    previewOf: run.previewOf ?? null,
    approval: run.approval
      ? {
          state: run.approval.state,
          previewSyncId: run.approval.previewSyncId,
          previewedAt: run.approval.previewedAt.toISOString(),
          previews: run.approval.previews,
          expiresAt: run.approval.expiresAt.toISOString(),
          remindedAt: run.approval.remindedAt?.toISOString() ?? null,
          decidedBy: run.approval.decidedBy ?? null,
          decidedAt: run.approval.decidedAt?.toISOString() ?? null,
          comment: run.approval.comment ?? null,
        }
      : null,
    links: {
      self,
      // A rejected or expired sync can be started again too: it wrote nothing.
      retry: RETRYABLE.has(run.status) ? `${self}/retry` : null,
      preview: run.approval ? `/v1/companies/${run.companyId}/payroll-syncs/${run.approval.previewSyncId}` : null,
      approve: run.status === 'awaiting_approval' ? `${self}/approve` : null,
      reject: run.status === 'awaiting_approval' ? `${self}/reject` : null,
    },
  };
}

function entryResultView(doc: SyncEntryResultDoc) {
  return {
    index: doc.index,
    employeeEmail: doc.employeeEmail,
    benefitKey: doc.benefitKey,
    amount: centsToDecimalString(doc.amountCents),
    amountCents: doc.amountCents,
    currency: doc.currency,
    status: doc.status,
    reason: doc.reason ?? null,
    errorKind: doc.errorKind ?? null,
    personId: doc.personId ?? null,
    compensationTypeId: doc.compensationTypeId ?? null,
    personioCompensationIds: doc.personioCompensationIds ?? [],
  };
}

async function liveProgress(temporal: Client, run: SyncRunDoc): Promise<SyncProgress | undefined> {
  if (run.status !== 'running' && run.status !== 'awaiting_approval') return undefined;
  try {
    return await temporal.workflow.getHandle(run.workflowId, run.runId).query<SyncProgress>(PROGRESS_QUERY);
  } catch {
    return undefined;
  }
}

export async function syncDetailView(
  deps: { db: Db; temporal: Client; config: ViewConfig },
  run: SyncRunDoc,
  page: { offset: number; limit: number; statuses?: string[] },
) {
  const { entryResults } = syncRunCollections(deps.db);
  const filter: Filter<SyncEntryResultDoc> = { syncId: run._id, ...(page.statuses ? { status: { $in: page.statuses as SyncEntryResultDoc['status'][] } } : {}) };
  const [total, docs, progress] = await Promise.all([
    entryResults.countDocuments(filter),
    entryResults.find(filter).sort({ index: 1 }).skip(page.offset).limit(page.limit).toArray(),
    liveProgress(deps.temporal, run),
  ]);
  return {
    ...syncSummaryView(deps.config, run),
    currency: run.currency ?? null,
    progress: progress ?? run.progress ?? null,
    totals: (run.totals ?? []).map((t) => ({
      ...t,
      amount: centsToDecimalString(t.amountCents),
      transferred: centsToDecimalString(t.transferredCents),
    })),
    createdCompensationTypes: run.createdTypes ?? [],
    // A fixed sentence by failure type: the raw text (hosts, key ids, Personio's detail) stays in logs and history.
    failure: run.failure
      ? { type: run.failure.type ?? 'Unknown', message: customerFailureMessage(run.failure, 'en'), ...(run.failure.missingScope ? { missingScope: run.failure.missingScope } : {}) }
      : null,
    email: run.email ? { ...run.email, at: run.email.at.toISOString() } : null,
    results: { offset: page.offset, limit: page.limit, total, items: docs.map(entryResultView) },
  };
}
