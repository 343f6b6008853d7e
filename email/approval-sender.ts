// Sends the approval mail of a sync awaiting approval (four eyes) to the company's managers, once per mail:
//   request   `approval-request:<previewSyncId>`: one per preview, so a new preview (entries or mappings changed)
//             gets a new mail, and a retried activity or a replayed step gets none;
//   reminder  `approval-reminder:<syncId>`: one per sync.
// An insert-once receipt is claimed before the SMTP send, as for the sync summary (see summary-sender.ts), and
// every send of one mail carries the same Message-ID. Never throws for a failed send: a mail problem must not fail
// the sync that waits for its approval.
import { companyCollections } from '../db/companies.js';
import { emailReceipts } from '../db/email-receipts.js';
import { findRun } from '../db/sync-runs.js';
import { renderApprovalMail, type ApprovalMailKind } from './approval-mail.js';
import { senderDomain } from './mailer.js';
import { exportLogUrl } from './summary-model.js';
import { describeError, managerRecipients, sendOnceWithReceipt, type MailSendStatus, type MailSenderDeps } from './receipted-send.js';

export interface ApprovalMailRequest {
  /** The sync awaiting approval. */
  syncId: string;
  kind: ApprovalMailKind;
}

const safeId = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_');

/** The receipt of one approval mail: the request per preview, the reminder per sync. */
export const approvalReceiptId = (kind: ApprovalMailKind, syncId: string, previewSyncId: string) =>
  kind === 'request' ? `approval-request:${previewSyncId}` : `approval-reminder:${syncId}`;

export const approvalMessageId = (kind: ApprovalMailKind, syncId: string, previewSyncId: string, from: string) =>
  kind === 'request' ? `<approval-request.${safeId(previewSyncId)}@${senderDomain(from)}>` : `<approval-reminder.${safeId(syncId)}@${senderDomain(from)}>`;

export async function sendApprovalMail(deps: MailSenderDeps, request: ApprovalMailRequest): Promise<{ status: MailSendStatus }> {
  const { syncId, kind } = request;
  const logger = deps.logger.child({ syncId, kind, component: 'approval-mail' });
  try {
    const run = await findRun(deps.db, syncId);
    const approval = run?.approval;
    if (!run || !approval) {
      logger.warn('approval mail skipped: no sync awaiting approval', { reason: run ? 'no approval record' : 'unknown sync' });
      return { status: 'skipped' };
    }
    const receipts = emailReceipts(deps.db);
    const receiptId = approvalReceiptId(kind, syncId, approval.previewSyncId);
    if ((await receipts.findOne({ _id: receiptId }))?.status === 'sent') return { status: 'sent' };
    if (approval.state !== 'awaiting_approval') {
      // Decided (or expired) before this mail went out: asking for an approval now would only confuse.
      logger.info('approval mail skipped: no longer awaiting approval', { state: approval.state });
      return { status: 'skipped' };
    }
    if (!deps.mailer || !deps.email) {
      logger.warn('approval mail skipped: no mailer configured');
      return { status: 'skipped' };
    }
    const company = await companyCollections(deps.db).companies.findOne({ _id: run.companyId });
    const recipients = managerRecipients(company);
    if (!company || recipients.length === 0) {
      logger.warn('approval mail skipped: no recipients', { companyId: run.companyId });
      return { status: 'skipped' };
    }
    const preview = await findRun(deps.db, approval.previewSyncId);
    if (!preview) {
      logger.error('approval mail failed: the preview is missing', { previewSyncId: approval.previewSyncId });
      return { status: 'failed' };
    }
    // Rendered before claiming, so that a rendering problem never leaves a claim behind.
    const rendered = await renderApprovalMail({
      kind,
      run: { ...run, approval },
      preview,
      company: { name: company.name, locale: company.locale, timezone: company.timezone },
      logUrl: exportLogUrl(deps.email.platformBaseUrl, run.companyId, syncId),
    });
    // The reminder threads under the request of the preview it reminds of.
    const requestId = approvalMessageId('request', syncId, approval.previewSyncId, deps.email.from);
    const outcome = await sendOnceWithReceipt({
      receipts,
      receipt: {
        _id: receiptId,
        kind: kind === 'request' ? 'approval-request' : 'approval-reminder',
        companyId: run.companyId,
        messageId: approvalMessageId(kind, syncId, approval.previewSyncId, deps.email.from),
        recipients,
      },
      mailer: deps.mailer,
      email: deps.email,
      mail: {
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        headers: {
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
          'X-Payroll-Sync-Approval': kind,
          'X-Payroll-Sync-Id': syncId,
          ...(kind === 'reminder' ? { 'In-Reply-To': requestId, References: requestId } : {}),
        },
      },
      logger,
    });
    if (outcome.status === 'sent') {
      if (!outcome.alreadySent) logger.info('approval mail sent', { companyId: run.companyId, previewSyncId: approval.previewSyncId, recipients: recipients.length, attempts: outcome.attempts });
      return { status: 'sent' };
    }
    logger.error('approval mail failed', { companyId: run.companyId, attempts: outcome.attempts, error: outcome.error });
    return { status: 'failed' };
  } catch (error) {
    logger.error('approval mail failed unexpectedly', { error: describeError(error) });
    return { status: 'failed' };
  }
}
