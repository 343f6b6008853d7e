import type { ActivityDeps } from './deps.js';

export function createSendSummaryActivity(_deps: ActivityDeps) {
  return {
    /** Sends the sync's summary email to every manager once (idempotent). Never throws for a failed send. */
    async sendSyncSummary(_input: { syncId: string }): Promise<{ status: 'sent' | 'failed' | 'skipped' }> {
      return { status: 'skipped' };
    },
  };
}
