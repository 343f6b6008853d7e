// The monthly schedule's workflow contract: what a scheduled run is given and what it reports.
import type { SyncStatus, SyncTrigger } from './sync.js';

/** Which month a scheduled run exports: the one before the scheduled time, or the one it falls in. */
export type SchedulePeriodMode = 'previous' | 'current';

export interface ScheduledPayrollSyncInput {
  companyId: string;
  period: SchedulePeriodMode;
  timezone: string;
  /** Retry a failed or partially failed run once after this many minutes; null: no automatic retry. */
  autoRetryAfterMinutes: number | null;
}

export type ScheduledRunOutcome =
  | { outcome: 'ran'; syncId: string; status: SyncStatus; trigger: SyncTrigger }
  | { outcome: 'skipped'; reason: 'already_running'; workflowId: string };

export interface ScheduledPayrollSyncResult {
  period: string;
  scheduledAt: string;
  runs: ScheduledRunOutcome[];
}
