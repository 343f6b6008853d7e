// Maps a failed worker-side call (a workflow that failed in an activity) to an HTTP problem.
import { FailureType, isPersonioFailureType, rootApplicationFailure } from '../contracts/failures.js';
import { ApiProblem } from './problem.js';

export function workflowFailureProblem(error: unknown): ApiProblem | undefined {
  const failure = rootApplicationFailure(error);
  if (!failure) return undefined;
  const details = (failure.details?.[0] ?? {}) as { kind?: string; traceId?: string; missingScope?: string };
  if (failure.type === FailureType.NoPersonioCredentials) {
    return new ApiProblem(409, 'Personio credentials missing', { detail: 'Store the Personio client ID and secret for this company first.' });
  }
  if (failure.type === FailureType.CompanyNotFound) return new ApiProblem(404, 'Not Found', { detail: failure.message });
  if (isPersonioFailureType(failure.type ?? undefined)) {
    const unreachable = ['network', 'timeout', 'unavailable', 'rate_limited'].includes(details.kind ?? '');
    return new ApiProblem(unreachable ? 503 : 502, unreachable ? 'Personio unreachable' : 'Personio refused the request', {
      detail: failure.message,
      personioErrorKind: details.kind,
      ...(details.missingScope ? { missingScope: details.missingScope } : {}),
      ...(details.traceId ? { personioTraceId: details.traceId } : {}),
    });
  }
  return undefined;
}
