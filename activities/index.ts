// All activities, built from their dependencies so tests can pass real or fake ones.
import { createApprovalMailActivity } from './approval-mails.js';
import { createCompensationTypeActivities } from './compensation-types.js';
import { createConnectionAlertActivity } from './connection-alerts.js';
import { createConnectionTestActivities } from './connection-test.js';
import type { ActivityDeps } from './deps.js';
import { createRetentionActivities } from './retention.js';
import { createSendSummaryActivity } from './send-summary.js';
import { createSyncActivities } from './sync/index.js';
import { createWebhookActivities } from './webhooks.js';

export type { ActivityDeps } from './deps.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createConnectionTestActivities(deps),
    ...createConnectionAlertActivity(deps),
    ...createCompensationTypeActivities(deps),
    ...createSyncActivities(deps),
    ...createSendSummaryActivity(deps),
    ...createRetentionActivities(deps),
    ...createApprovalMailActivity(deps),
    ...createWebhookActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
