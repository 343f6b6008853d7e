// The webhook event of a sync's outcome: ids, status and counts only (no person, no amount of an entry).
import type { PayrollSyncInput, SyncCounts, SyncStatus } from '../contracts/sync.js';
import type { WebhookEvent } from '../contracts/webhooks.js';

const syncPath = (companyId: string, syncId: string) => `/v1/companies/${encodeURIComponent(companyId)}/payroll-syncs/${encodeURIComponent(syncId)}`;

export function syncOutcomeEvent(input: PayrollSyncInput, outcome: { status: SyncStatus; counts?: SyncCounts; failureType?: string }, at: Date): WebhookEvent {
  const failed = outcome.status === 'failed';
  const sync = syncPath(input.companyId, input.syncId);
  return {
    eventId: `payroll_sync.${input.syncId}`,
    type: failed ? 'payroll_sync.failed' : 'payroll_sync.completed',
    companyId: input.companyId,
    occurredAt: at.toISOString(),
    data: {
      companyId: input.companyId,
      syncId: input.syncId,
      period: input.period,
      status: outcome.status,
      trigger: input.trigger,
      ...(input.retryOf ? { retryOf: input.retryOf } : {}),
      ...(failed ? { failureType: outcome.failureType ?? null } : {}),
      counts: outcome.counts ? { ...outcome.counts } : null,
      links: { sync, summaryEmail: `${sync}/summary-email` },
    },
  };
}

/** A sync waits for approval with a (new) preview: the platform can show it to a second person. */
export function awaitingApprovalEvent(input: PayrollSyncInput, preview: { previewSyncId: string; previewNo: number; expiresAt: string; startedBy?: string }, at: Date): WebhookEvent {
  const sync = syncPath(input.companyId, input.syncId);
  return {
    eventId: `payroll_sync.${input.syncId}.awaiting_approval.${preview.previewNo}`,
    type: 'payroll_sync.awaiting_approval',
    companyId: input.companyId,
    occurredAt: at.toISOString(),
    data: {
      companyId: input.companyId,
      syncId: input.syncId,
      period: input.period,
      status: 'awaiting_approval',
      startedBy: preview.startedBy ?? null,
      previewSyncId: preview.previewSyncId,
      expiresAt: preview.expiresAt,
      links: {
        sync,
        preview: syncPath(input.companyId, preview.previewSyncId),
        approve: `${sync}/approve`,
        reject: `${sync}/reject`,
      },
    },
  };
}
