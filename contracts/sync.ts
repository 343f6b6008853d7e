// The payroll sync's contract, shared by the API, the workflows and the activities: what a sync is given, what
// it reports, and the words for its state. Types only (plus the query's name): safe in the workflow bundle.

export type SyncStatus = 'running' | 'succeeded' | 'partially_failed' | 'failed';
export type SyncTrigger = 'api' | 'schedule' | 'retry';

export interface PayrollSyncInput {
  syncId: string;
  companyId: string;
  period: string;
  trigger: SyncTrigger;
  dryRun: boolean;
  retryOf?: string;
  /** Drills only (the API's deps can set it; the service never does): a sync under harsher timeouts than production's. */
  tuning?: SyncTuning;
}

export interface SyncTuning {
  /** Start-to-close timeout of one push attempt, in seconds (production: 30 minutes). */
  pushStartToCloseSeconds?: number;
}

export interface SyncCounts {
  entries: number;
  employees: number;
  employeesMatched: number;
  /** Unmatched or ambiguous email addresses. */
  employeesUnmatched: number;
  employeesInactive: number;
  compensationsCreated: number;
  alreadyPresent: number;
  corrections: number;
  needsManualCorrection: number;
  failed: number;
  /** Entries not pushed because their employee was unmatched, ambiguous or inactive, or their type unusable. */
  entriesNotMatched: number;
  /** Entries whose compensation has no recorded outcome (the sync ended before its chunk finished). */
  entriesPending: number;
  wouldCreate: number;
  wouldCorrect: number;
}

export interface PayrollSyncResult {
  syncId: string;
  status: SyncStatus;
  counts: SyncCounts;
}

export interface SyncProgress {
  phase: 'starting' | 'resolving_employees' | 'ensuring_types' | 'planning' | 'pushing' | 'finishing' | 'done';
  chunksTotal: number;
  chunksDone: number;
  itemsTotal: number;
  itemsDone: number;
}

/** Why a sync failed as a whole: the innermost failure's message and type (see contracts/failures.ts). */
export interface SyncFailure {
  message: string;
  type?: string;
  /** For a Personio permission failure: the scope the credential probably lacks. */
  missingScope?: string;
}

/** Chunks pushed at once by syncs planned before planSync recorded its push concurrency. Never change it. */
export const LEGACY_PUSH_CONCURRENCY = 4;

/** The payroll sync's query of its progress. */
export const PROGRESS_QUERY = 'progress';
