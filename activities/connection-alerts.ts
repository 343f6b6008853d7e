// The connection alert mail of a transition (broken / restored) to the company's managers, once.
import { sendConnectionAlert } from '../email/connection-alert-sender.js';
import type { ActivityDeps } from './deps.js';

export function createConnectionAlertActivity(deps: ActivityDeps) {
  return {
    /** Idempotent per transition; never throws for a failed send. */
    async sendConnectionAlert(input: { transitionId: string }): Promise<{ status: 'sent' | 'failed' | 'skipped' }> {
      return sendConnectionAlert(deps, input.transitionId);
    },
  };
}
