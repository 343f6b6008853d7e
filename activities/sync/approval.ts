// Four eyes: the steps of a sync that waits for a second person's approval. The preview itself is a dry run
// (a child workflow); these record it, check it is still what would be written, and apply the decision.
import { ApplicationFailure } from '@temporalio/activity';
import { FailureType } from '../../contracts/failures.js';
import { currentInputs, saveApprovalReminder, saveApproved, saveAwaitingApproval, saveUnapproved } from '../../db/approvals.js';
import { periodScope, takeFence } from '../../db/push-fences.js';
import { findRun, savePeriodFence, type SyncRunDoc } from '../../db/sync-runs.js';
import type { ActivityDeps } from '../deps.js';

export function createApprovalActivities(deps: ActivityDeps) {
  async function requireRun(syncId: string): Promise<SyncRunDoc> {
    const run = await findRun(deps.db, syncId);
    if (!run) throw ApplicationFailure.nonRetryable(`Sync ${syncId} does not exist`, FailureType.SyncNotFound);
    return run;
  }

  return {
    /** Records the preview the approver sees and the inputs it was computed from; the sync now awaits approval. */
    async recordPreview(input: { syncId: string; previewSyncId: string; previewNo: number; expiresAt: string }): Promise<{ entrySetId: string | null }> {
      const run = await requireRun(input.syncId);
      const preview = await requireRun(input.previewSyncId);
      const { mappingVersion } = await currentInputs(deps.db, run.companyId, run.period);
      await saveAwaitingApproval(deps.db, input.syncId, {
        state: 'awaiting_approval',
        previewSyncId: input.previewSyncId,
        previewedAt: preview.finishedAt ?? new Date(),
        previews: input.previewNo,
        entrySetId: preview.entrySetId ?? null,
        mappingVersion,
        expiresAt: new Date(input.expiresAt),
      });
      return { entrySetId: preview.entrySetId ?? null };
    },

    /** Whether the entries and mappings are still those of the preview (else an approval would approve something else). */
    async checkPreviewCurrent(input: { syncId: string }): Promise<{ current: boolean }> {
      const run = await requireRun(input.syncId);
      if (!run.approval) return { current: false };
      const now = await currentInputs(deps.db, run.companyId, run.period);
      return { current: now.entrySetId === run.approval.entrySetId && now.mappingVersion === run.approval.mappingVersion };
    },

    async recordApprovalReminder(input: { syncId: string }): Promise<void> {
      await saveApprovalReminder(deps.db, input.syncId, new Date());
    },

    /** Approved: pins the previewed entry set, and takes the period (the fence a real sync takes when it begins). */
    async applyApproval(input: { syncId: string; actor: string; comment?: string }): Promise<{ entryCount: number }> {
      const run = await requireRun(input.syncId);
      if (!run.approval) throw ApplicationFailure.nonRetryable(`Sync ${input.syncId} has no preview to approve`, FailureType.SyncNotFound);
      const preview = await requireRun(run.approval.previewSyncId);
      if (run.approval.state !== 'approved') await saveApproved(deps.db, run, preview, { actor: input.actor, ...(input.comment ? { comment: input.comment } : {}), at: new Date() });
      if (!run.periodFence) await savePeriodFence(deps.db, run._id, await takeFence(deps.db, periodScope(run.companyId, run.period), run._id));
      return { entryCount: preview.entryCount ?? 0 };
    },

    async closeUnapproved(input: { syncId: string; outcome: 'rejected' | 'expired'; actor?: string; comment?: string }): Promise<void> {
      await saveUnapproved(deps.db, input.syncId, input.outcome, { ...(input.actor ? { actor: input.actor } : {}), ...(input.comment ? { comment: input.comment } : {}), at: new Date() });
    },
  };
}
