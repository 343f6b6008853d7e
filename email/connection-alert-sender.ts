// Sends the alert of one connection transition to the company's managers, once: an insert-once receipt
// (`connection-alert:<transitionId>`) is claimed before the SMTP send, as for the sync summary (see summary-sender.ts).
// Never throws for a failed send: a mail problem must not fail the connection test or the sync that decided it.
import { companyCollections } from '../db/companies.js';
import { findTransition } from '../db/connection-health.js';
import { emailReceipts } from '../db/email-receipts.js';
import { personioSettingsUrl, renderConnectionAlert } from './connection-alert.js';
import { senderDomain } from './mailer.js';
import { describeError, managerRecipients, sendOnceWithReceipt, type MailSendStatus, type MailSenderDeps } from './receipted-send.js';

const receiptId = (transitionId: string) => `connection-alert:${transitionId}`;
export const alertMessageId = (transitionId: string, from: string) => `<connection-alert.${transitionId.replace(/[^A-Za-z0-9._-]/g, '_')}@${senderDomain(from)}>`;

export async function sendConnectionAlert(deps: MailSenderDeps, transitionId: string): Promise<{ status: MailSendStatus }> {
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
    const recipients = managerRecipients(company);
    if (!company || recipients.length === 0) return { status: 'skipped' };
    const rendered = await renderConnectionAlert({
      transition,
      company: { name: company.name, locale: company.locale, timezone: company.timezone },
      settingsUrl: personioSettingsUrl(deps.email.platformBaseUrl, company._id),
    });
    const outcome = await sendOnceWithReceipt({
      receipts,
      receipt: { _id: receiptId(transitionId), kind: 'connection-alert', companyId: company._id, messageId: alertMessageId(transitionId, deps.email.from), recipients },
      mailer: deps.mailer,
      email: deps.email,
      mail: {
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All', 'X-Payroll-Sync-Connection': transition.kind },
      },
      logger,
    });
    if (outcome.status === 'sent') {
      if (!outcome.alreadySent) logger.info('connection alert sent', { companyId: company._id, kind: transition.kind, recipients: recipients.length });
      return { status: 'sent' };
    }
    logger.error('connection alert failed', { companyId: company._id, error: outcome.error });
    return { status: 'failed' };
  } catch (error) {
    logger.error('connection alert failed unexpectedly', { error: describeError(error) });
    return { status: 'failed' };
  }
}
