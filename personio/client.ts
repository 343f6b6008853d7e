/**
 * The Personio v2 client. A factory owns (through its registry, see registry.ts), per credential, one token
 * cache and one rate limiter, so the many short-lived clients of one worker process share one token and one
 * request budget. The parts: settings.ts (configuration), session.ts (token, calls, listings), reads.ts, writes.ts.
 */
import { PersonioError } from './errors.js';
import { compensationReads, personReads } from './reads.js';
import { createSession } from './session.js';
import { resolveClientSettings } from './settings.js';
import type { PersonioClient, PersonioClientConfig, PersonioClientFactory, PersonioClientOptions, PersonioCredentials } from './types.js';
import { writes } from './writes.js';

export function createPersonioClientFactory(config: PersonioClientConfig): PersonioClientFactory {
  const settings = resolveClientSettings(config);
  return function createClient(creds: PersonioCredentials, opts: PersonioClientOptions = {}): PersonioClient {
    if (!creds.clientId || !creds.clientSecret) {
      throw new PersonioError('The Personio client ID or secret is empty: enter the API credentials from Personio.', {
        kind: 'credentials_rejected',
        retryable: false,
      });
    }
    const session = createSession(settings, creds, opts.signal);
    return {
      async authenticate() {
        const token = await session.state.tokens.get();
        return { grantedScopes: [...token.grantedScopes] };
      },
      async verifyCredentials() {
        const token = await session.state.tokens.renew();
        return { grantedScopes: [...token.grantedScopes] };
      },
      ...personReads(session),
      ...compensationReads(session),
      ...writes(session),
    };
  };
}
