// The approval mails of a sync awaiting approval (four eyes): the request (once per preview) and the reminder
// (once per sync) to the company's managers.
import { sendApprovalMail } from '../email/approval-sender.js';
import type { ActivityDeps } from './deps.js';

export function createApprovalMailActivity(deps: ActivityDeps) {
  return {
    /**
     * Mails the preview of `syncId` (its `approval.previewSyncId`) with the approval deadline and the export-log
     * link. Idempotent per preview (request) or per sync (reminder); skipped when the sync has no approval record or
     * is no longer awaiting approval, without a mailer, or without recipients. Never throws for a failed send.
     */
    async sendApprovalMail(input: { syncId: string; kind: 'request' | 'reminder' }): Promise<{ status: 'sent' | 'failed' | 'skipped' }> {
      // deps.mailer and deps.email are read per call (not captured), so a test can point them elsewhere.
      return sendApprovalMail(deps, input);
    },
  };
}
