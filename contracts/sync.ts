// The payroll sync's contract, shared by the API, the workflows and the activities: what a sync is given, what
// it reports, and the words for its state. Types only (plus the query's name): safe in the workflow bundle.

/** `awaiting_approval`: previewed, waiting for a second person (four eyes); `rejected` / `expired`: never approved, nothing written. */
export type SyncStatus = 'running' | 'awaiting_approval' | 'succeeded' | 'partially_failed' | 'failed' | 'rejected' | 'expired';
/** Statuses a sync never leaves. */
export const FINAL_SYNC_STATUSES: readonly SyncStatus[] = ['succeeded', 'partially_failed', 'failed', 'rejected', 'expired'];
export type SyncTrigger = 'api' | 'schedule' | 'retry';

export interface PayrollSyncInput {
  syncId: string;
  companyId: string;
  period: string;
  trigger: SyncTrigger;
  dryRun: boolean;
  retryOf?: string;
  /** Who started it (the platform's user id or email; `schedule` for a scheduled run). Required when the company requires approval. */
  actor?: string;
  /** Set on the dry run that computes the preview of a sync awaiting approval: that sync's id. */
  previewOf?: string;
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
  phase: 'starting' | 'previewing' | 'awaiting_approval' | 'resolving_employees' | 'ensuring_types' | 'planning' | 'pushing' | 'finishing' | 'done';
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

/** A company that requires approval: how long a sync waits for it (from the worker's reading of the company, recorded in history). */
export interface ApprovalPolicy {
  reminderAfterMs: number;
  expiresAfterMs: number;
}

export interface ApprovalDecisionInput {
  actor: string;
  comment?: string;
}

/** The answer of an approve or reject Update: whether it took effect, and the sync's status after it. */
export interface ApprovalDecisionResult {
  accepted: boolean;
  status: SyncStatus;
  /** `preview_outdated`: entries or mappings changed since the preview; a new preview is being computed. */
  reason?: 'preview_outdated';
}

/** Failure types of a refused approve or reject Update (its validator): the API answers 409 with them. */
export const APPROVAL_REFUSED = { NotAwaiting: 'NotAwaitingApproval', FourEyes: 'FourEyesViolation', NoActor: 'ActorMissing' } as const;

export const APPROVE_UPDATE = 'approve';
export const REJECT_UPDATE = 'reject';

/** Who started a sync: the request's actor; a scheduled run is `schedule`. */
export const startedByOf = (input: Pick<PayrollSyncInput, 'actor' | 'trigger'>): string | undefined => input.actor ?? (input.trigger === 'schedule' ? 'schedule' : undefined);
