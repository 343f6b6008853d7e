// What activities need from the outside world, built once per worker process.
import type { Db } from 'mongodb';
import type { WorkerEnv } from '../config/env.js';
import { connectMongo } from '../db/mongo.js';
import { createMongoBudgetStore } from '../db/request-budgets.js';
import { ensureIndexes } from '../db/indexes.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createPersonioClientFactory, createPersonioCredentialRegistry, type BudgetStore, type PersonioClientConfig, type PersonioClientFactory, type PersonioRequestObserver } from '../personio/index.js';
import { createCredentialsCipher, type CredentialsCipher } from '../security/credentials-cipher.js';
import { createSmtpMailer, smtpConfigFromEnv, type Mailer } from '../email/mailer.js';
import type { EmailConfig } from '../email/receipted-send.js';

export interface PersonioClients {
  /** For syncs: patient retries within a long budget. */
  sync: PersonioClientFactory;
  /** For a person waiting on a screen (connection test, type list): answers within seconds. */
  interactive: PersonioClientFactory;
}

export interface ActivityDeps {
  db: Db;
  logger: Logger;
  cipher: CredentialsCipher;
  personio: PersonioClients;
  /** SMTP for the sync summary email; without it (or `email`) the summary is recorded as skipped. */
  mailer?: Mailer;
  email?: EmailConfig;
  /** How pushes pace and fence themselves: the Personio limit per credential and request timeout. */
  push?: PushTuning;
  /** Data retention (RETENTION_MONTHS, default 24). */
  retention?: { months: number };
  /** Webhook delivery; without it the defaults (private targets refused, 10 s timeout, 10 s → 1 h backoff). */
  webhooks?: WebhookDeliveryConfig;
}

export interface WebhookDeliveryConfig {
  allowPrivateTargets: boolean;
  timeoutMs: number;
  retryInitialIntervalMs: number;
  retryMaxIntervalMs: number;
}

export interface PushTuning {
  requestsPerMinute: number;
  requestTimeoutMs: number;
}

export interface WorkerDeps extends ActivityDeps {
  close(): Promise<void>;
}

/**
 * `budgetStore`: where the credentials' request budgets are shared by every worker process (MongoDB); without it
 * each process paces on its own.
 */
export function createPersonioClients(config: PersonioClientConfig, logger: Logger, budgetStore?: BudgetStore, observer?: PersonioRequestObserver): PersonioClients {
  // One registry: both factories share each credential's token and request budget.
  const registry = createPersonioCredentialRegistry({
    ...(config.requestsPerMinute ? { requestsPerMinute: config.requestsPerMinute } : {}),
    ...(budgetStore ? { budgetStore, onBudgetStoreError: (error: unknown) => logger.warn('could not record a Personio pause in MongoDB', { error: String(error) }) } : {}),
  });
  const base: PersonioClientConfig = { ...config, registry, logger: logger.child({ component: 'personio' }), ...(observer ? { observer } : {}) };
  return {
    sync: createPersonioClientFactory(base),
    interactive: createPersonioClientFactory({
      ...base,
      timeoutMs: Math.min(config.timeoutMs ?? 8_000, 8_000),
      // A person is waiting: a rate-limited screen says so at once instead of waiting out a window.
      retry: { maxAttempts: 2, baseDelayMs: 300, maxDelayMs: 2_000, budgetMs: 6_000, rateLimitWindowMs: 0 },
    }),
  };
}

export function personioConfigFromEnv(config: WorkerEnv): PersonioClientConfig {
  return {
    baseUrl: config.PERSONIO_BASE_URL,
    timeoutMs: config.PERSONIO_TIMEOUT_MS,
    requestsPerMinute: config.PERSONIO_REQUESTS_PER_MINUTE,
    ...(config.PERSONIO_PARTNER_ID ? { partnerId: config.PERSONIO_PARTNER_ID } : {}),
    ...(config.PERSONIO_APP_ID ? { appId: config.PERSONIO_APP_ID } : {}),
  };
}

export async function createWorkerDeps(config: WorkerEnv, opts: { personioObserver?: PersonioRequestObserver } = {}): Promise<WorkerDeps> {
  const mongo = await connectMongo(config.MONGODB_URI, config.MONGODB_DB);
  await ensureIndexes(mongo.db);
  const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'worker' } });
  const cipher = createCredentialsCipher({
    key: config.CREDENTIALS_KEY,
    keyId: config.CREDENTIALS_KEY_ID,
    previousKeys: config.CREDENTIALS_PREVIOUS_KEYS,
  });
  const mailer = createSmtpMailer(smtpConfigFromEnv(config));
  return {
    db: mongo.db,
    logger,
    cipher,
    personio: createPersonioClients(personioConfigFromEnv(config), logger, createMongoBudgetStore(mongo.db), opts.personioObserver),
    mailer,
    email: { platformBaseUrl: config.PLATFORM_BASE_URL, from: config.SMTP_FROM },
    push: { requestsPerMinute: config.PERSONIO_REQUESTS_PER_MINUTE, requestTimeoutMs: config.PERSONIO_TIMEOUT_MS },
    webhooks: {
      allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      retryInitialIntervalMs: config.WEBHOOK_RETRY_INITIAL_INTERVAL_MS,
      retryMaxIntervalMs: config.WEBHOOK_RETRY_MAX_INTERVAL_MS,
    },
    close: async () => {
      mailer.close();
      await mongo.close();
    },
  };
}
