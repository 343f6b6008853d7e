// The one way a mail of this service goes out exactly once: its receipt is claimed (db/email-receipts.ts), the mail
// is sent with retries (sendWithRetry), and the receipt is settled as sent or failed. Used by the sync summary, the
// connection alert and the approval mails, which differ only in what they say and to whom.
import type { Collection, Db } from 'mongodb';
import { claimReceipt, settleReceipt, type EmailReceiptDoc } from '../db/email-receipts.js';
import type { Logger } from '../observability/logger.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPermanentSmtpError, type Mailer, type OutgoingMail, type SentMail } from './mailer.js';

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

export type MailSendStatus = 'sent' | 'failed' | 'skipped';

/** What every sender needs; without `mailer` or `email` a mail is skipped (recorded as such). */
export interface MailSenderDeps {
  db: Db;
  logger: Logger;
  mailer?: Mailer | undefined;
  email?: EmailConfig | undefined;
}

export const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').slice(0, 500);

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

/** A company's managers as mail recipients: trimmed, lower-cased, each once. */
export const managerRecipients = (company: { managerEmails?: string[] } | null | undefined): string[] => [
  ...new Set((company?.managerEmails ?? []).map((e) => e.trim().toLowerCase()).filter(Boolean)),
];

export type ReceiptedSendOutcome =
  | { status: 'sent'; alreadySent: boolean; attempts: number; at: Date; recipients: string[]; sent?: SentMail }
  | { status: 'failed'; attempts: number; at: Date; error: string };

export async function sendOnceWithReceipt(opts: {
  receipts: Collection<EmailReceiptDoc>;
  receipt: Pick<EmailReceiptDoc, '_id' | 'companyId' | 'messageId' | 'recipients'> & { kind: EmailReceiptDoc['kind'] };
  mailer: Mailer;
  email: EmailConfig;
  mail: Pick<OutgoingMail, 'subject' | 'html' | 'text' | 'headers'>;
  logger: Logger;
}): Promise<ReceiptedSendOutcome> {
  const claim = await claimReceipt(opts.receipts, opts.receipt);
  if (claim.kind === 'sent') return { status: 'sent', alreadySent: true, attempts: claim.receipt.attempts, at: claim.receipt.sentAt ?? claim.receipt.updatedAt, recipients: claim.receipt.recipients };
  const outcome = await sendWithRetry(
    opts.mailer,
    { from: opts.email.from, to: opts.receipt.recipients, messageId: claim.receipt.messageId, ...opts.mail },
    opts.email.retry ?? {},
    opts.logger,
  );
  const attempts = claim.receipt.attempts + outcome.attempts;
  const at = new Date();
  // The mail's fate is known now: failing to record it must not turn a sent mail into a reported failure.
  const settle = (result: Parameters<typeof settleReceipt>[2]) =>
    settleReceipt(opts.receipts, claim.receipt, result).catch((error: unknown) => {
      opts.logger.error('mail outcome not recorded', { error: describeError(error) });
      return false;
    });
  if (outcome.ok) {
    await settle({ status: 'sent', attempts, smtpResponse: outcome.sent.response.slice(0, 200), at });
    return { status: 'sent', alreadySent: false, attempts, at, recipients: opts.receipt.recipients, sent: outcome.sent };
  }
  await settle({ status: 'failed', attempts, error: outcome.error, at });
  return { status: 'failed', attempts, at, error: outcome.error };
}
