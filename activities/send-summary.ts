// The sync's summary email to the company's managers: rendered from MJML, sent over SMTP once per sync.
import { sendSyncSummarySafely } from '../email/summary-sender.js';
import type { ActivityDeps } from './deps.js';

export function createSendSummaryActivity(deps: ActivityDeps) {
  return {
    /** Sends the sync's summary email to every manager once (idempotent). Never throws for a failed send. */
    async sendSyncSummary(input: { syncId: string }): Promise<{ status: 'sent' | 'failed' | 'skipped' }> {
      // deps.mailer and deps.email are read per call (not captured), so a test can point them elsewhere.
      return sendSyncSummarySafely(deps, input.syncId);
    },
  };
}
