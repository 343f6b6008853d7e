// Four eyes inside the payroll sync: compute the preview (a dry run, as a child workflow), then wait for a second
// person's approve or reject Update, a reminder, or the deadline. A changed entry set or mapping makes an approval
// fail as outdated and a new preview is computed. Nothing here writes to Personio.
import { ApplicationFailure, condition, defineUpdate, executeChild, patched, proxyActivities, setHandler, uuid4, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { previewWorkflowId } from '../contracts/ids.js';
import {
  APPROVAL_REFUSED,
  APPROVE_UPDATE,
  REJECT_UPDATE,
  type ApprovalDecisionInput,
  type ApprovalDecisionResult,
  type ApprovalPolicy,
  type PayrollSyncInput,
  type PayrollSyncResult,
  type SyncProgress,
} from '../contracts/sync.js';
import { awaitingApprovalEvent } from './sync-events.js';
import { emitWebhookEvent } from './webhook-event.js';

export const approveUpdate = defineUpdate<ApprovalDecisionResult, [ApprovalDecisionInput]>(APPROVE_UPDATE);
export const rejectUpdate = defineUpdate<ApprovalDecisionResult, [ApprovalDecisionInput]>(REJECT_UPDATE);

export type ApprovalOutcome = { kind: 'approved'; actor: string; comment?: string } | { kind: 'rejected'; actor: string; comment?: string } | { kind: 'expired' };

const steps = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 20 },
});
const mail = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '20 seconds', retry: { initialInterval: '5 seconds', maximumAttempts: 3 } });

const PATCH_PREVIEW_ID = 'preview-workflow-id';
const PATCH_AWAITING_EVENT = 'awaiting-approval-webhook-event';

const refuse = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

export async function awaitApproval(input: PayrollSyncInput, policy: ApprovalPolicy, progress: SyncProgress, startedBy: string | undefined): Promise<ApprovalOutcome> {
  const startedAt = workflowInfo().startTime.getTime();
  const expiresAt = startedAt + policy.expiresAfterMs;
  const remindAt = startedAt + policy.reminderAfterMs;
  let awaiting = false;
  let previewNeeded = true;
  let previewing = false;
  let outcome: ApprovalOutcome | undefined;

  const validate = (decision: ApprovalDecisionInput, fourEyes: boolean) => {
    if (!awaiting || outcome) throw refuse(APPROVAL_REFUSED.NotAwaiting, previewing ? 'A new preview is being computed; approve it once it is ready.' : 'The sync is not awaiting approval.');
    if (!decision.actor?.trim()) throw refuse(APPROVAL_REFUSED.NoActor, 'actor is required');
    if (fourEyes && startedBy && decision.actor.trim().toLowerCase() === startedBy.trim().toLowerCase()) {
      throw refuse(APPROVAL_REFUSED.FourEyes, `${decision.actor} started this sync: another person must approve it (four eyes).`);
    }
  };
  setHandler(
    approveUpdate,
    async (decision) => {
      const { current } = await steps.checkPreviewCurrent({ syncId: input.syncId });
      if (outcome) return { accepted: false, status: outcome.kind === 'approved' ? 'running' : outcome.kind };
      if (!current) {
        previewNeeded = true;
        previewing = true;
        awaiting = false;
        return { accepted: false, status: 'awaiting_approval', reason: 'preview_outdated' };
      }
      outcome = { kind: 'approved', actor: decision.actor.trim(), ...(decision.comment ? { comment: decision.comment } : {}) };
      return { accepted: true, status: 'running' };
    },
    { validator: (decision) => validate(decision, true) },
  );
  setHandler(
    rejectUpdate,
    (decision) => {
      outcome = { kind: 'rejected', actor: decision.actor.trim(), ...(decision.comment ? { comment: decision.comment } : {}) };
      return { accepted: true, status: 'rejected' };
    },
    { validator: (decision) => validate(decision, false) },
  );

  let previewNo = 0;
  let reminded = false;
  for (;;) {
    if (previewNeeded) {
      previewNeeded = false;
      previewing = true;
      progress.phase = 'previewing';
      previewNo++;
      const previewSyncId = uuid4(); // deterministic in a workflow: replays give the same id
      await executeChild<(i: PayrollSyncInput) => Promise<PayrollSyncResult>>('payrollSync', {
        // Previews began as dry-run ids; dry runs now take one id per period, so previews got their own.
        workflowId: patched(PATCH_PREVIEW_ID) ? previewWorkflowId(input.companyId, input.period, previewSyncId) : `payroll-dry-run:${input.companyId}:${input.period}:${previewSyncId}`,
        args: [{ syncId: previewSyncId, companyId: input.companyId, period: input.period, trigger: input.trigger, dryRun: true, previewOf: input.syncId, ...(startedBy ? { actor: startedBy } : {}) }],
        staticSummary: `Preview of sync ${input.syncId} for approval (#${previewNo})`,
      });
      await steps.recordPreview({ syncId: input.syncId, previewSyncId, previewNo, expiresAt: new Date(expiresAt).toISOString() });
      progress.phase = 'awaiting_approval';
      previewing = false;
      awaiting = true;
      await mail.sendApprovalMail({ syncId: input.syncId, kind: 'request' });
      if (patched(PATCH_AWAITING_EVENT)) {
        await emitWebhookEvent(awaitingApprovalEvent(input, { previewSyncId, previewNo, expiresAt: new Date(expiresAt).toISOString(), ...(startedBy ? { startedBy } : {}) }, new Date()));
      }
    }
    const wakeAt = reminded ? expiresAt : Math.min(remindAt, expiresAt);
    const decided = await condition(() => outcome !== undefined || previewNeeded, Math.max(1, wakeAt - Date.now()));
    if (outcome) return outcome;
    if (decided) continue; // a new preview is needed
    if (Date.now() >= expiresAt) {
      awaiting = false;
      return (outcome = { kind: 'expired' });
    }
    if (!reminded && Date.now() >= remindAt) {
      reminded = true;
      await steps.recordApprovalReminder({ syncId: input.syncId });
      await mail.sendApprovalMail({ syncId: input.syncId, kind: 'reminder' });
    }
  }
}
