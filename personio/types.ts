/** Public types of the Personio v2 client. */
import type { PersonioCredentials } from './credentials.js';
import type { PersonioCredentialRegistry } from './registry.js';

export type { PersonioCredentials };

export interface PersonioLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface PersonioRetryConfig {
  /** Attempts per request, the first one included. Default 6. */
  maxAttempts?: number;
  /** First backoff delay. Default 500 ms. */
  baseDelayMs?: number;
  /** Upper bound of one computed backoff delay (a longer Retry-After is still honoured). Default 30 s. */
  maxDelayMs?: number;
  /** Total time one request may spend retrying, waits included. Default 120 s. */
  budgetMs?: number;
  /** Minimum wait after a 429 without Retry-After. Default 1000 ms (Personio documents no rate-limit headers). */
  minRateLimitDelayMs?: number;
  /**
   * Personio documents neither Retry-After nor its windows. After a 429 without Retry-After, before the request
   * fails, every caller of the credential is paused once for this long (the whole window). Default 60 s; 0 = never.
   */
  rateLimitWindowMs?: number;
}

export interface PersonioClientConfig {
  /** Default https://api.personio.de. */
  baseUrl: string;
  /** Per request (each attempt), default 15000. */
  timeoutMs?: number;
  /** Per credential, default 300; a token bucket shared by all clients of that credential made by one factory. */
  requestsPerMinute?: number;
  /**
   * Requests the bucket lets through at once before pacing. Default max(1, floor(requestsPerMinute / 60)); the
   * pace is lowered by the burst so that no sliding minute exceeds requestsPerMinute.
   */
  burst?: number;
  /**
   * Share tokens and rate budgets with other factories (e.g. a patient sync factory and a quick interactive
   * one). When set, requestsPerMinute and burst come from the registry and are ignored here.
   */
  registry?: PersonioCredentialRegistry;
  /** Sent as X-Personio-Partner-ID when set. */
  partnerId?: string;
  /** Sent as X-Personio-App-ID when set. */
  appId?: string;
  /** Scopes to request with the token; omitted = every scope granted to the credential. */
  scopes?: string[];
  retry?: PersonioRetryConfig;
  /** Never receives secrets or tokens. */
  logger?: PersonioLogger;
  /** Told of every answer (or failure) of every attempt: for metrics. Endpoint labels only, no ids. */
  observer?: PersonioRequestObserver;
}

/** `outcome`: the HTTP status, or the kind of failure when there was no answer (timeout, network). */
export interface PersonioRequestObserver {
  requestDone(endpoint: string, outcome: number | 'timeout' | 'network'): void;
}

export interface PersonioPerson {
  id: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  status?: 'ACTIVE' | 'INACTIVE' | 'UNSPECIFIED' | (string & {});
}

export interface PersonioCompensationType {
  id: string;
  name: string;
  category?: string;
}

export interface PersonioCompensation {
  id: string;
  personId: string;
  typeId: string;
  amountCents: number;
  currency?: string;
  /** YYYY-MM-DD */
  effectiveFrom: string;
  comment?: string;
  typeName?: string;
  typeCategory?: string;
  interval?: string;
  legalEntityId?: string;
}

export interface CreateCompensationInput {
  personId: string;
  typeId: string;
  /** Integer cents; sent to Personio as a decimal with at most 2 places. */
  amountCents: number;
  currency: string;
  /** YYYY-MM-DD */
  effectiveFrom: string;
  comment?: string;
}

export interface FindPersonsByEmailResult {
  /** Keyed by the normalized (trimmed, lowercased) email. */
  matched: Map<string, PersonioPerson>;
  /** Normalized emails that no person matched. */
  unmatched: string[];
  /** Normalized emails matched by several persons: never guess which one is meant. */
  ambiguous: { email: string; personIds: string[] }[];
}

export interface PersonioClient {
  /** Gets (or reuses the cached) token; scopes come from the token response's `scope`. */
  authenticate(): Promise<{ grantedScopes: string[] }>;
  /** Asks Personio for a new token now (the cached one may outlive a revoked credential); it replaces the cached one. */
  verifyCredentials(): Promise<{ grantedScopes: string[] }>;
  /** One page of persons (used by the connection test). */
  listPersonsPage(opts?: { limit?: number; email?: string[] }): Promise<{ persons: PersonioPerson[]; nextHref?: string }>;
  /**
   * The persons with these addresses, through Personio's `email` filter (asked lowercased, ≤ 50 per request) and
   * compared case-insensitively on our side. Complete only where the filter ignores case: see probeEmailFilterCase.
   */
  findPersonsByEmail(emails: string[]): Promise<FindPersonsByEmailResult>;
  /** Every person the credential can see, all pages (the lookup that does not depend on the email filter). */
  listAllPersons(): Promise<PersonioPerson[]>;
  /**
   * Whether Personio's `email` filter ignores case (undocumented): asks for a known person's address with the case
   * of every letter swapped. `unknown` when no person with a letter in a readable address is on the first page.
   */
  probeEmailFilterCase(): Promise<'ignores_case' | 'case_sensitive' | 'unknown'>;
  listCompensationTypes(): Promise<PersonioCompensationType[]>;
  /** Creates a ONE_TIME type. Never replayed automatically: list the types before creating again. */
  createCompensationType(name: string): Promise<PersonioCompensationType>;
  /**
   * Every compensation of the month (`YYYY-MM`, whole month window) for these persons: person.id batched
   * ≤ 50 per request, all pages. No person ids → [] without a request. Items lacking an id, person, type,
   * amount or date are skipped (with a warning): they could never match one of our payments.
   */
  listCompensations(opts: { period: string; personIds: string[] }): Promise<PersonioCompensation[]>;
  /**
   * Never replayed after a network error, a timeout or a 5xx (the POST may have been committed):
   * such errors carry `commitUnknown: true` and the caller must reconcile before posting again.
   */
  createCompensation(input: CreateCompensationInput, opts?: { beforeSend?: () => Promise<void> }): Promise<PersonioCompensation>;
}

export interface PersonioClientOptions {
  /** Aborts every wait and request of this client (an activity's cancellation signal). */
  signal?: AbortSignal;
}

export type PersonioClientFactory = (creds: PersonioCredentials, opts?: PersonioClientOptions) => PersonioClient;
