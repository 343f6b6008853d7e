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
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from 'mongodb';
import { FINAL_SYNC_STATUSES } from '../contracts/sync.js';
import { companyCollections } from '../db/companies.js';
import { findRun, saveEmailFailureUnlessSent, saveEmailStatus, type SyncRunDoc } from '../db/sync-runs.js';
import type { Logger } from '../observability/logger.js';
import { isPermanentSmtpError, senderDomain, type Mailer, type SentMail } from './mailer.js';
import { claimReceipt, emailReceipts, settleReceipt } from '../db/email-receipts.js';
import { renderSyncSummary } from './render.js';
import { summaryInputOf } from './summary-data.js';

export interface EmailRetryConfig {
  /** SMTP attempts per call (default 4). */
  attempts?: number;
  /** First backoff; doubled per attempt, with jitter (default 1 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** No new attempt starts after this much time in the call (default 60 s). */
  budgetMs?: number;
}

export interface EmailConfig {
  /** Base of the export-log link, e.g. https://app.example.com (PLATFORM_BASE_URL). */
  platformBaseUrl: string;
  /** Sender, e.g. `Payroll Sync <payroll-sync@example.com>` (SMTP_FROM). */
  from: string;
  retry?: EmailRetryConfig;
}

export interface SummarySenderDeps {
  db: Db;
  logger: Logger;
  mailer?: Mailer | undefined;
  email?: EmailConfig | undefined;
}

export type SummarySendStatus = 'sent' | 'failed' | 'skipped';

export const summaryMessageId = (syncId: string, from: string) => `<sync-summary.${syncId.replace(/[^A-Za-z0-9._-]/g, '_')}@${senderDomain(from)}>`;

export const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 500);

async function recordOnRun(db: Db, syncId: string, email: NonNullable<SyncRunDoc['email']>): Promise<void> {
  await saveEmailStatus(db, syncId, email);
}

/** Sends with retries; returns the accepted answer or the last error. */
export async function sendWithRetry(
  mailer: Mailer,
  mail: Parameters<Mailer['send']>[0],
  retry: EmailRetryConfig,
  logger: Logger,
): Promise<{ ok: true; sent: SentMail; attempts: number } | { ok: false; error: string; attempts: number }> {
  const maxAttempts = Math.max(1, retry.attempts ?? 4);
  const base = retry.baseDelayMs ?? 1_000;
  const maxDelay = retry.maxDelayMs ?? 15_000;
  const budget = retry.budgetMs ?? 60_000;
  const started = Date.now();
  let lastError = '';
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, sent: await mailer.send(mail), attempts: attempt };
    } catch (error) {
      lastError = describeError(error);
      const permanent = isPermanentSmtpError(error);
      logger.warn('email attempt failed', { attempt, permanent, error: lastError });
      const delay = Math.min(maxDelay, base * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
      if (permanent || attempt >= maxAttempts || Date.now() - started + delay > budget) return { ok: false, error: lastError, attempts: attempt };
      await sleep(delay);
    }
  }
}

export async function sendSyncSummary(deps: SummarySenderDeps, syncId: string): Promise<{ status: SummarySendStatus }> {
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
  const recipients = [...new Set((company?.managerEmails ?? []).map((e) => e.trim().toLowerCase()).filter(Boolean))];
  if (!company || recipients.length === 0) {
    logger.warn('summary email skipped: no recipients', { companyId: run.companyId });
    await recordOnRun(deps.db, syncId, { status: 'skipped', at: new Date(), recipients: [], error: company ? 'The company has no manager email addresses.' : 'The company does not exist.' });
    return { status: 'skipped' };
  }

  // Rendered before claiming, so that a rendering problem never leaves a claim behind.
  const rendered = await renderSyncSummary(await summaryInputOf(deps.db, run, company, deps.email.platformBaseUrl));
  const messageId = summaryMessageId(syncId, deps.email.from);
  const claim = await claimReceipt(receipts, { _id: syncId, companyId: run.companyId, messageId, recipients });
  if (claim.kind === 'sent') {
    if (run.email?.status !== 'sent') {
      const r = claim.receipt;
      await recordOnRun(deps.db, syncId, { status: 'sent', at: r.sentAt ?? r.updatedAt, recipients: r.recipients, attempts: r.attempts });
    }
    return { status: 'sent' };
  }

  const outcome = await sendWithRetry(
    deps.mailer,
    {
      from: deps.email.from,
      to: recipients,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      messageId: claim.receipt.messageId,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Payroll-Sync-Id': syncId },
    },
    deps.email.retry ?? {},
    logger,
  );
  const at = new Date();
  const attempts = claim.receipt.attempts + outcome.attempts;
  // The mail's fate is known now; failing to record it must not turn a sent mail into a reported failure.
  const record = async (what: () => Promise<unknown>) => {
    try {
      await what();
    } catch (error) {
      logger.error('summary email outcome not recorded', { error: describeError(error) });
    }
  };
  if (outcome.ok) {
    const rejected = outcome.sent.rejected;
    await record(() => settleReceipt(receipts, claim.receipt, { status: 'sent', attempts, smtpResponse: outcome.sent.response.slice(0, 200), at }));
    await record(() =>
      recordOnRun(deps.db, syncId, {
        status: 'sent',
        at,
        recipients: outcome.sent.accepted.length > 0 ? outcome.sent.accepted : recipients,
        attempts,
        ...(rejected.length > 0 ? { error: `Rejected by the mail server: ${rejected.join(', ')}` } : {}),
      }),
    );
    logger.info('summary email sent', { companyId: run.companyId, recipients: recipients.length, attempts });
    return { status: 'sent' };
  }
  await record(() => settleReceipt(receipts, claim.receipt, { status: 'failed', attempts, error: outcome.error, at }));
  await record(() => recordOnRun(deps.db, syncId, { status: 'failed', at, recipients, error: outcome.error, attempts }));
  logger.error('summary email failed', { companyId: run.companyId, attempts, error: outcome.error });
  return { status: 'failed' };
}

/** The activity's contract: never throws. Anything unexpected is logged and recorded as a failed send. */
export async function sendSyncSummarySafely(deps: SummarySenderDeps, syncId: string): Promise<{ status: SummarySendStatus }> {
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
