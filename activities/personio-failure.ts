// Personio errors become Temporal failures once, here (applied to every activity by activities/interceptors.ts): retryable ones are retried by Temporal's policy,
// the others fail fast. Details carry the kind, status, trace id and missing scope — never a secret.
import { personioFailureType } from '../contracts/failures.js';
import { ApplicationFailure } from '@temporalio/activity';
import { isPersonioError, type PersonioError } from '../personio/index.js';

export interface PersonioFailureDetails {
  kind: PersonioError['kind'];
  status?: number;
  traceId?: string;
  missingScope?: string;
  detail?: string;
}

export function toActivityFailure(error: unknown): unknown {
  if (!isPersonioError(error)) return error;
  const details: PersonioFailureDetails = {
    kind: error.kind,
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.traceId ? { traceId: error.traceId } : {}),
    ...(error.missingScope ? { missingScope: error.missingScope } : {}),
    ...(error.detail ? { detail: error.detail } : {}),
  };
  return ApplicationFailure.create({
    message: error.message,
    type: personioFailureType(error.kind),
    nonRetryable: !error.retryable,
    details: [details],
    ...(error.retryAfterMs !== undefined ? { nextRetryDelay: error.retryAfterMs } : {}),
  });
}
