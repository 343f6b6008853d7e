// Sends the summary of one sync to the company's managers, once. Used by the sendSyncSummary activity.
//
// Idempotency: an insert-once receipt per sync (db/email-receipts.ts) is claimed before the SMTP send and
// marked `sent` after it; a retried activity or a replayed step finds `sent` and sends nothing. Every
// send of a sync carries the same Message-ID (<sync-summary.{syncId}@{sender domain}>).
// The remaining window is a crash between the SMTP server's "250 accepted" and the `sent` write: the
// Temporal retry then finds an expired claim and sends again (same Message-ID, which many mail systems
// use to drop the duplicate). That is deliberate: a rare duplicate summary is better than a lost one.
//
// Failures never fail the sync: SMTP errors are retried here with backoff (bounded in attempts and
// time), then recorded as `failed` on the receipt and on the run (`run.email`), and returned, not thrown.
import type { Db } from 'mongodb';
import { FINAL_SYNC_STATUSES } from '../contracts/sync.js';
import { companyCollections } from '../db/companies.js';
import { findRun, saveEmailFailureUnlessSent, saveEmailStatus, type SyncRunDoc } from '../db/sync-runs.js';
import { senderDomain } from './mailer.js';
import { describeError, managerRecipients, sendOnceWithReceipt, type MailSendStatus, type MailSenderDeps } from './receipted-send.js';
import { emailReceipts } from '../db/email-receipts.js';
import { renderSyncSummary } from './render.js';
import { summaryInputOf } from './summary-data.js';


export const summaryMessageId = (syncId: string, from: string) => `<sync-summary.${syncId.replace(/[^A-Za-z0-9._-]/g, '_')}@${senderDomain(from)}>`;



async function recordOnRun(db: Db, syncId: string, email: NonNullable<SyncRunDoc['email']>): Promise<void> {
  await saveEmailStatus(db, syncId, email);
}

export async function sendSyncSummary(deps: MailSenderDeps, syncId: string): Promise<{ status: MailSendStatus }> {
  const logger = deps.logger.child({ syncId, component: 'summary-email' });
  const receipts = emailReceipts(deps.db);

  const run = await findRun(deps.db, syncId);
  if (!run) {
    logger.warn('summary email skipped: unknown sync');
    return { status: 'skipped' };
  }
  if (run.dryRun || !FINAL_SYNC_STATUSES.includes(run.status)) {
    logger.info('summary email skipped', { reason: run.dryRun ? 'dry run' : `sync not finished (${run.status})` });
    return { status: 'skipped' };
  }
  const done = await receipts.findOne({ _id: syncId });
  if (done?.status === 'sent') {
    // Sent by an earlier attempt that may have died before recording it on the run.
    if (run.email?.status !== 'sent') await recordOnRun(deps.db, syncId, { status: 'sent', at: done.sentAt ?? done.updatedAt, recipients: done.recipients, attempts: done.attempts });
    return { status: 'sent' };
  }
  if (!deps.mailer || !deps.email) {
    logger.warn('summary email skipped: no mailer configured');
    await recordOnRun(deps.db, syncId, { status: 'skipped', at: new Date(), error: 'No mailer is configured for this worker.' });
    return { status: 'skipped' };
  }
  const company = await companyCollections(deps.db).companies.findOne({ _id: run.companyId });
  const recipients = managerRecipients(company);
  if (!company || recipients.length === 0) {
    logger.warn('summary email skipped: no recipients', { companyId: run.companyId });
    await recordOnRun(deps.db, syncId, { status: 'skipped', at: new Date(), recipients: [], error: company ? 'The company has no manager email addresses.' : 'The company does not exist.' });
    return { status: 'skipped' };
  }

  // Rendered before claiming, so that a rendering problem never leaves a claim behind.
  const rendered = await renderSyncSummary(await summaryInputOf(deps.db, run, company, deps.email.platformBaseUrl));
  const outcome = await sendOnceWithReceipt({
    receipts,
    receipt: { _id: syncId, kind: 'sync-summary', companyId: run.companyId, messageId: summaryMessageId(syncId, deps.email.from), recipients },
    mailer: deps.mailer,
    email: deps.email,
    mail: {
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Payroll-Sync-Id': syncId },
    },
    logger,
  });
  // The mail's fate is known now; failing to record it on the run must not turn a sent mail into a reported failure.
  const record = async (email: NonNullable<SyncRunDoc['email']>) => {
    try {
      await recordOnRun(deps.db, syncId, email);
    } catch (error) {
      logger.error('summary email outcome not recorded', { error: describeError(error) });
    }
  };
  if (outcome.status === 'sent') {
    if (outcome.alreadySent) {
      // Sent by an earlier attempt that may have died before recording it on the run.
      if (run.email?.status !== 'sent') await record({ status: 'sent', at: outcome.at, recipients: outcome.recipients, attempts: outcome.attempts });
      return { status: 'sent' };
    }
    const rejected = outcome.sent?.rejected ?? [];
    const accepted = outcome.sent?.accepted ?? [];
    await record({
      status: 'sent',
      at: outcome.at,
      recipients: accepted.length > 0 ? accepted : recipients,
      attempts: outcome.attempts,
      ...(rejected.length > 0 ? { error: `Rejected by the mail server: ${rejected.join(', ')}` } : {}),
    });
    logger.info('summary email sent', { companyId: run.companyId, recipients: recipients.length, attempts: outcome.attempts });
    return { status: 'sent' };
  }
  await record({ status: 'failed', at: outcome.at, recipients, error: outcome.error, attempts: outcome.attempts });
  logger.error('summary email failed', { companyId: run.companyId, attempts: outcome.attempts, error: outcome.error });
  return { status: 'failed' };
}

/** The activity's contract: never throws. Anything unexpected is logged and recorded as a failed send. */
export async function sendSyncSummarySafely(deps: MailSenderDeps, syncId: string): Promise<{ status: MailSendStatus }> {
  try {
    return await sendSyncSummary(deps, syncId);
  } catch (error) {
    const message = describeError(error);
    deps.logger.error('summary email failed unexpectedly', { syncId, error: message });
    try {
      await saveEmailFailureUnlessSent(deps.db, syncId, message);
    } catch {
      // Already logged; the sync's own outcome is unaffected.
    }
    return { status: 'failed' };
  }
}
