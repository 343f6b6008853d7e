// The custom search attributes this product sets on its workflows (shared by workflow code and the worker).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const COMPANY_ID = defineSearchAttributeKey('CompanyId', SearchAttributeType.KEYWORD);
export const PAYROLL_PERIOD = defineSearchAttributeKey('PayrollPeriod', SearchAttributeType.KEYWORD);
/** running, succeeded, partially_failed or failed: a partially failed sync is a "Completed" workflow in Temporal's eyes. */
export const SYNC_STATUS = defineSearchAttributeKey('SyncStatus', SearchAttributeType.KEYWORD);
export const DRY_RUN = defineSearchAttributeKey('DryRun', SearchAttributeType.BOOL);

export const CUSTOM_SEARCH_ATTRIBUTES = [COMPANY_ID, PAYROLL_PERIOD, SYNC_STATUS, DRY_RUN] as const;

/** Set by Temporal on workflows started by a schedule: the time the run was scheduled for. */
export const TEMPORAL_SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);
