// The monthly schedule's workflow contract: what a scheduled run is given and what it reports.
import { defineSignal } from '@temporalio/workflow';
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
  /** stoppedBy: the sync was terminated or cancelled (by an operator): it is not retried automatically. */
  | { outcome: 'ran'; syncId: string; status: SyncStatus; trigger: SyncTrigger; stoppedBy?: 'terminated' | 'cancelled' }
  | { outcome: 'skipped'; reason: 'already_running'; workflowId: string };

/** Why a failed run's automatic retry did not run. */
export type AutomaticRetryNotRun = 'sync_stopped' | 'schedule_paused' | 'schedule_deleted';

export interface ScheduledPayrollSyncResult {
  period: string;
  scheduledAt: string;
  runs: ScheduledRunOutcome[];
  /** Set when a retry was due and did not run. */
  automaticRetry?: AutomaticRetryNotRun;
}

/** Sent to a scheduled run when its schedule is paused or deleted: a retry it is waiting for does not run. */
export const cancelAutomaticRetrySignal = defineSignal<[{ reason: Exclude<AutomaticRetryNotRun, 'sync_stopped'> }]>('cancelAutomaticRetry');
