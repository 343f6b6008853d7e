export { createPersonioClientFactory } from './client.js';
export { DEFAULT_BASE_URL, DEFAULTS } from './settings.js';
export { BATCH_SIZE } from './reads.js';
export { monthWindow } from './normalize.js';
export { matchPersonsByEmail, normalizeEmail, swapCase } from './person-matching.js';
export { PersonioError, isPersonioError, parseRetryAfter, type PersonioErrorKind } from './errors.js';
export { SCOPES, type PersonioEndpoint } from './endpoints.js';
export { centsToValue, valueToCents } from './money.js';
export { RateLimiter } from './rate-limiter.js';
export { SharedRequestBudget, createMemoryBudgetStore, type BudgetStore, type RequestBudget } from './shared-budget.js';
export {
  createPersonioCredentialRegistry,
  type PersonioCredentialRegistry,
  type PersonioCredentialRegistryOptions,
} from './registry.js';
export type {
  PersonioCredentials,
  PersonioClientConfig,
  PersonioRetryConfig,
  PersonioLogger,
  PersonioRequestObserver,
  PersonioClient,
  PersonioClientFactory,
  PersonioClientOptions,
  PersonioPerson,
  PersonioCompensationType,
  PersonioCompensation,
  CreateCompensationInput,
  FindPersonsByEmailResult,
} from './types.js';
