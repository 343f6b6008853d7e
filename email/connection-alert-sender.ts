// Sends the alert of one connection transition to the company's managers, once: an insert-once receipt
// (`connection-alert:<transitionId>`) is claimed before the SMTP send, as for the sync summary (see summary-sender.ts).
// Never throws for a failed send: a mail problem must not fail the connection test or the sync that decided it.
import type { Db } from 'mongodb';
import { companyCollections } from '../db/companies.js';
import { findTransition } from '../db/connection-health.js';
import { claimReceipt, emailReceipts, settleReceipt } from '../db/email-receipts.js';
import type { Logger } from '../observability/logger.js';
import { personioSettingsUrl, renderConnectionAlert } from './connection-alert.js';
import { senderDomain, type Mailer } from './mailer.js';
import { describeError, sendWithRetry, type EmailConfig, type SummarySendStatus } from './summary-sender.js';

export interface AlertSenderDeps {
  db: Db;
  logger: Logger;
  mailer?: Mailer | undefined;
  email?: EmailConfig | undefined;
}

const receiptId = (transitionId: string) => `connection-alert:${transitionId}`;
export const alertMessageId = (transitionId: string, from: string) => `<connection-alert.${transitionId.replace(/[^A-Za-z0-9._-]/g, '_')}@${senderDomain(from)}>`;

export async function sendConnectionAlert(deps: AlertSenderDeps, transitionId: string): Promise<{ status: SummarySendStatus }> {
  const logger = deps.logger.child({ transitionId, component: 'connection-alert' });
  try {
    const transition = await findTransition(deps.db, transitionId);
    if (!transition) return { status: 'skipped' };
    const receipts = emailReceipts(deps.db);
    if ((await receipts.findOne({ _id: receiptId(transitionId) }))?.status === 'sent') return { status: 'sent' };
    if (!deps.mailer || !deps.email) {
      logger.warn('connection alert skipped: no mailer configured');
      return { status: 'skipped' };
    }
    const company = await companyCollections(deps.db).companies.findOne({ _id: transition.companyId });
    const recipients = [...new Set((company?.managerEmails ?? []).map((e) => e.trim().toLowerCase()).filter(Boolean))];
    if (!company || recipients.length === 0) return { status: 'skipped' };
    const rendered = await renderConnectionAlert({
      transition,
      company: { name: company.name, locale: company.locale, timezone: company.timezone },
      settingsUrl: personioSettingsUrl(deps.email.platformBaseUrl, company._id),
    });
    const claim = await claimReceipt(receipts, { _id: receiptId(transitionId), kind: 'connection-alert', companyId: company._id, messageId: alertMessageId(transitionId, deps.email.from), recipients });
    if (claim.kind === 'sent') return { status: 'sent' };
    const outcome = await sendWithRetry(
      deps.mailer,
      {
        from: deps.email.from,
        to: recipients,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        messageId: claim.receipt.messageId,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Payroll-Sync-Connection': transition.kind },
      },
      deps.email.retry ?? {},
      logger,
    );
    const attempts = claim.receipt.attempts + outcome.attempts;
    const at = new Date();
    if (outcome.ok) {
      await settleReceipt(receipts, claim.receipt, { status: 'sent', attempts, smtpResponse: outcome.sent.response.slice(0, 200), at });
      logger.info('connection alert sent', { companyId: company._id, kind: transition.kind, recipients: recipients.length });
      return { status: 'sent' };
    }
    await settleReceipt(receipts, claim.receipt, { status: 'failed', attempts, error: outcome.error, at });
    logger.error('connection alert failed', { companyId: company._id, error: outcome.error });
    return { status: 'failed' };
  } catch (error) {
    logger.error('connection alert failed unexpectedly', { error: describeError(error) });
    return { status: 'failed' };
  }
}
