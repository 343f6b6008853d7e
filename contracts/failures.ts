// The application failure types this product raises, as one list, and the one walk along a failure's causes.
// Activities throw them, workflows decide retries by them, the API and the summary email explain them.
import { ApplicationFailure } from '@temporalio/common';

export const FailureType = {
  CompanyNotFound: 'CompanyNotFound',
  SyncNotFound: 'SyncNotFound',
  NoEntries: 'NoEntries',
  NoPersonioCredentials: 'NoPersonioCredentials',
  ChunkNotFound: 'ChunkNotFound',
  TypeCreationInProgress: 'TypeCreationInProgress',
  MappingConflict: 'MappingConflict',
  /** A push attempt that lost its chunk to a newer attempt, or its period to a newer sync: it stopped posting (retryable: the newest goes on). */
  PushFenceLost: 'PushFenceLost',
  /** The sync's workflow was terminated or timed out in Temporal: it could not record an outcome itself. */
  SyncWorkflowEnded: 'SyncWorkflowEnded',
  /** The company's Personio connection failed its last test and a new one before the sync: nothing was read or written. */
  PersonioConnectionBroken: 'PersonioConnectionBroken',
  /** A scheduled run of a period past its payroll cut-off: nothing was exported (a person can allow it through the API). */
  PayrollPeriodClosed: 'PayrollPeriodClosed',
  /** The sync was cancelled (by an operator in Temporal, or a drill). */
  SyncCancelled: 'SyncCancelled',
  /** No configured key decrypts the stored Personio secret (CREDENTIALS_KEY lost or rotated wrongly). */
  CredentialsUndecryptable: 'CredentialsUndecryptable',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** A Personio error of this kind, as an activity failure type: `Personio.<kind>` (see personio/errors.ts). */
export const personioFailureType = (kind: string) => `Personio.${kind}`;
export const isPersonioFailureType = (type: string | undefined): boolean => type?.startsWith('Personio.') ?? false;

/** Failures a sync must not retry: the data is missing, retrying cannot help. */
export const NON_RETRYABLE_SYNC_FAILURES: readonly string[] = [
  FailureType.CompanyNotFound,
  FailureType.SyncNotFound,
  FailureType.NoEntries,
  FailureType.NoPersonioCredentials,
  FailureType.PersonioConnectionBroken,
  FailureType.CredentialsUndecryptable,
  FailureType.PayrollPeriodClosed,
];

/** An error and its causes, outermost first (Temporal wraps an activity's failure in ActivityFailure, a child's in ChildWorkflowFailure…). */
export function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current: unknown = error; current instanceof Error && chain.length < 20; current = (current as Error & { cause?: unknown }).cause) chain.push(current);
  return chain;
}

/** The innermost ApplicationFailure of an error: the activity's own failure, with its type and details. */
export function rootApplicationFailure(error: unknown): ApplicationFailure | undefined {
  return causeChain(error)
    .reverse()
    .find((e): e is ApplicationFailure => e instanceof ApplicationFailure);
}

/** The innermost message: an activity's own words rather than "Activity task failed". */
export function rootMessage(error: unknown): string | undefined {
  return causeChain(error).at(-1)?.message;
}
