// The one way activities reach Personio for a company: its stored credentials, decrypted here only.
import { FailureType } from '../contracts/failures.js';
import { ApplicationFailure } from '@temporalio/activity';
import type { PersonioClient } from '../personio/index.js';
import { loadCredentials } from '../security/credentials-store.js';
import type { ActivityDeps } from './deps.js';

export async function personioClientFor(deps: ActivityDeps, companyId: string, mode: 'sync' | 'interactive'): Promise<PersonioClient> {
  const creds = await loadCredentials(deps.db, deps.cipher, companyId);
  if (!creds) {
    throw ApplicationFailure.nonRetryable(`No Personio credentials are stored for company ${companyId}`, FailureType.NoPersonioCredentials);
  }
  return deps.personio[mode](creds);
}
