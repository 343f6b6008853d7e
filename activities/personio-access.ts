// The one way activities reach Personio for a company: its stored credentials, decrypted here only.
import { FailureType } from '../contracts/failures.js';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { PersonioClient } from '../personio/index.js';
import { loadCredentials, UndecryptableCredentialsError } from '../security/credentials-store.js';
import type { ActivityDeps } from './deps.js';

/** The running activity's cancellation signal (undefined outside an activity): every Personio wait and request obeys it. */
function activityCancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

export async function personioClientFor(deps: ActivityDeps, companyId: string, mode: 'sync' | 'interactive'): Promise<PersonioClient> {
  const creds = await loadCredentials(deps.db, deps.cipher, companyId).catch((error: unknown) => {
    if (error instanceof UndecryptableCredentialsError) {
      deps.logger.error('stored Personio credentials cannot be decrypted', { companyId });
      throw ApplicationFailure.nonRetryable(error.message, FailureType.CredentialsUndecryptable);
    }
    throw error;
  });
  if (!creds) {
    throw ApplicationFailure.nonRetryable(`No Personio credentials are stored for company ${companyId}`, FailureType.NoPersonioCredentials);
  }
  const signal = activityCancellation();
  return deps.personio[mode](creds, signal ? { signal } : {});
}
