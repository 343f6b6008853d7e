// One product instance per test file, on the shared stack's Temporal and MongoDB: its own Personio
// sandbox (so injected faults stay in this file), database, task queue, worker and API over real HTTP.
import { serve } from '@hono/node-server';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createPersonioClients, type ActivityDeps } from '../../activities/deps.js';
import { createApp } from '../../api/app.js';
import type { RateLimits } from '../../api/rate-limits.js';
import { ensureIndexes } from '../../db/indexes.js';
import { createMongoBudgetStore } from '../../db/request-budgets.js';
import { createLogger } from '../../observability/logger.js';
import { createSmtpMailer } from '../../email/mailer.js';
import type { EmailRetryConfig } from '../../email/receipted-send.js';
import type { PersonioRetryConfig } from '../../personio/index.js';
import { createSandboxAdmin, startSandbox, type AdminPersonalityInput, type SandboxAdmin } from '../../sandbox/index.js';
import { createCredentialsCipher } from '../../security/credentials-cipher.js';
import { createWorkers } from '../../worker.js';
import { connectTemporalClient, connectTestDb, connectWorkerConnection, stack, uniqueTaskQueue } from './stack.js';
import { createApiClient, type ApiResponse } from '../../dev/api-client.js';
import { z } from 'zod';

let runtimeInstalled = false;
function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier harness in this process.
  }
}

/** An API answer as the API sent it; `json` is the parsed body (undefined when empty or not JSON). */
export type { ApiResponse };

/** Thrown when an answer does not match the schema the API documents for it. */
export class ApiSchemaMismatch extends Error {
  override name = 'ApiSchemaMismatch';
}

/**
 * Checks an answer's JSON against the API's own zod schema (api/schemas/*.ts) and types it: a test fails when the
 * API breaks its documented schema. The body is handed back as the API sent it (nothing stripped or defaulted), so
 * assertions see exactly the answer.
 */
export function parseApiJson<S extends z.ZodType>(schema: S, res: ApiResponse<unknown>, what = 'the answer'): ApiResponse<z.output<S>> {
  const parsed = schema.safeParse(res.json);
  if (!parsed.success) {
    throw new ApiSchemaMismatch(`${what} (status ${res.status}) does not match its documented schema:\n${z.prettifyError(parsed.error)}\nbody: ${res.text.slice(0, 1000)}`);
  }
  return res as ApiResponse<z.output<S>>;
}

export interface HarnessOptions {
  /** Which reading of Personio's open behaviours the sandbox plays (default: the default personality). */
  personality?: AdminPersonalityInput;
  personioRequestsPerMinute?: number;
  personioRetry?: PersonioRetryConfig;
  connectionTestWaitMs?: number;
  /** 'external': no worker in the test process; spawn worker processes with `workerEnv()`. */
  worker?: 'in-process' | 'external';
  /** SMTP server for the summary email (default: the stack's mail catcher); a closed port makes sends fail. */
  smtpUrl?: string;
  emailRetry?: EmailRetryConfig;
  rateLimits?: RateLimits;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS of this harness's API and worker; default true (test receivers run on 127.0.0.1). */
  webhookAllowPrivateTargets?: boolean;
}

/** Webhook delivery of harness workers: short backoff (the Temporal dev server still spaces attempts about a second apart). */
export const HARNESS_WEBHOOK_DELIVERY = { timeoutMs: 3_000, retryInitialIntervalMs: 200, retryMaxIntervalMs: 2_000 } as const;

/** The rate-limit window harness clients wait out after a 429 without Retry-After (sandboxes set a matching window). */
export const HARNESS_RATE_LIMIT_WINDOW_MS = 1_000;

/** Personio request timeout of harness workers: a push that takes over an unreleased chunk waits about twice this. */
export const HARNESS_REQUEST_TIMEOUT_MS = 3_000;

/** Base of the export-log links in the summary emails of harness workers. */
export const HARNESS_PLATFORM_BASE_URL = 'http://platform.test';
export const HARNESS_MAIL_FROM = 'Payroll Sync <payroll-sync@harness.test>';

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness(opts: HarnessOptions = {}) {
  quietTemporalRuntime();
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1', ...(opts.personality ? { personality: opts.personality } : {}) });
  const admin: SandboxAdmin = createSandboxAdmin(sandbox.url);
  const mongo = await connectTestDb('harness');
  await ensureIndexes(mongo.db);
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', sink: (line) => logs.push(line) });
  const credentialsKey = randomBytes(32).toString('base64');
  const cipher = createCredentialsCipher({ key: credentialsKey, keyId: 'test-key' });
  const deps: ActivityDeps = {
    db: mongo.db,
    logger,
    cipher,
    personio: createPersonioClients(
      {
        baseUrl: sandbox.url,
        timeoutMs: HARNESS_REQUEST_TIMEOUT_MS,
        requestsPerMinute: opts.personioRequestsPerMinute ?? 6_000,
        retry: opts.personioRetry ?? { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 500, budgetMs: 20_000, rateLimitWindowMs: HARNESS_RATE_LIMIT_WINDOW_MS },
      },
      logger,
      createMongoBudgetStore(mongo.db),
    ),
    push: { requestsPerMinute: opts.personioRequestsPerMinute ?? 6_000, requestTimeoutMs: HARNESS_REQUEST_TIMEOUT_MS },
    mailer: createSmtpMailer({ url: opts.smtpUrl ?? stack().smtpUrl, tlsRejectUnauthorized: true, requireTls: false }),
    email: { platformBaseUrl: HARNESS_PLATFORM_BASE_URL, from: HARNESS_MAIL_FROM, retry: opts.emailRetry ?? { attempts: 3, baseDelayMs: 100 } },
    webhooks: { ...HARNESS_WEBHOOK_DELIVERY, allowPrivateTargets: opts.webhookAllowPrivateTargets ?? true },
  };
  const taskQueue = uniqueTaskQueue('harness');
  const workerConnection = await connectWorkerConnection();
  const interactiveTaskQueue = `${taskQueue}-interactive`;
  // Both queues, as a worker process serves them by default; a short grace, so that closing never waits long.
  const workers: Worker[] =
    opts.worker === 'external'
      ? []
      : await createWorkers({
          connection: workerConnection,
          namespace: stack().temporalNamespace,
          syncTaskQueue: taskQueue,
          interactiveTaskQueue,
          deps,
          workflowBundlePath: stack().workflowBundlePath,
          shutdownGraceMs: 1_000,
        });
  const workerRun = Promise.all(workers.map((worker) => worker.run()));
  const temporal = await connectTemporalClient();
  const apiToken = `test-${randomBytes(16).toString('hex')}`;
  const app = createApp({
    db: mongo.db,
    temporal: temporal.client,
    cipher,
    logger,
    config: {
      apiTokens: [apiToken],
      taskQueue,
      interactiveTaskQueue,
      temporalNamespace: stack().temporalNamespace,
      temporalUiUrl: 'http://temporal-ui.test',
      maxBodyBytes: 2 * 1024 * 1024,
      connectionTestWaitMs: opts.connectionTestWaitMs ?? 20_000,
      platformBaseUrl: HARNESS_PLATFORM_BASE_URL,
      // Test files start many syncs a minute: limits only where a test sets them.
      rateLimits: opts.rateLimits ?? { perTokenPerMinute: 1_000_000, perCompanyPerMinute: 1_000_000 },
      webhookAllowPrivateTargets: opts.webhookAllowPrivateTargets ?? true,
    },
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const apiClient = createApiClient(apiUrl, apiToken);
  /**
   * Calls the API over HTTP with the test token and a JSON (or raw string) body, and hands back the raw answer
   * (`json: unknown`): for status, header and text checks, and for deliberately bad requests.
   */
  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<unknown>> =>
    apiClient.call<unknown>(method, path, body, headers);
  /** Like `api`, with the answer's JSON checked against (and typed by) the API's schema for it (see test/support/api-schemas.ts). */
  const apiAs = async <S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<z.output<S>>> =>
    parseApiJson(schema, await api(method, path, body, headers), `${method} ${path}`);

  /** Environment for a worker process (`node --import tsx worker.ts`) serving this harness. */
  function workerEnv(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: stack().temporalAddress,
      TEMPORAL_NAMESPACE: stack().temporalNamespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      MONGODB_URI: stack().mongoUri,
      MONGODB_DB: mongo.dbName,
      CREDENTIALS_KEY: credentialsKey,
      CREDENTIALS_KEY_ID: 'test-key',
      PERSONIO_BASE_URL: sandbox.url,
      PERSONIO_REQUESTS_PER_MINUTE: String(opts.personioRequestsPerMinute ?? 6_000),
      PERSONIO_TIMEOUT_MS: String(HARNESS_REQUEST_TIMEOUT_MS),
      SMTP_URL: opts.smtpUrl ?? stack().smtpUrl,
      SMTP_FROM: HARNESS_MAIL_FROM,
      PLATFORM_BASE_URL: HARNESS_PLATFORM_BASE_URL,
      LOG_LEVEL: 'warn',
      // Several worker processes may run at once: a test that scrapes metrics sets its own port.
      WORKER_METRICS_PORT: '0',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: String(opts.webhookAllowPrivateTargets ?? true),
      WEBHOOK_TIMEOUT_MS: String(HARNESS_WEBHOOK_DELIVERY.timeoutMs),
      WEBHOOK_RETRY_INITIAL_INTERVAL_MS: String(HARNESS_WEBHOOK_DELIVERY.retryInitialIntervalMs),
      WEBHOOK_RETRY_MAX_INTERVAL_MS: String(HARNESS_WEBHOOK_DELIVERY.retryMaxIntervalMs),
    };
  }

  return {
    sandbox,
    admin,
    workerEnv,
    db: mongo.db,
    deps,
    logs,
    taskQueue,
    interactiveTaskQueue,
    temporal: temporal.client,
    apiUrl,
    apiToken,
    api,
    apiAs,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const worker of workers) worker.shutdown();
      await workerRun;
      await workerConnection.close();
      deps.mailer?.close();
      await temporal.close();
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
      await sandbox.close();
    },
  };
}
