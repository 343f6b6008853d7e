// The product on the real local stack, for the benchmark and the drill (no vitest): Temporal dev server and
// SMTP catcher from dev/stack.ts, MongoDB (FerretDB from the stack, or one the caller runs), the Personio
// sandbox in this process (so its request log can be read without the 10,000-entry cap of /__admin/requests),
// the API in this process over real HTTP, and workers as separate OS processes (`node --import tsx worker.ts`).
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import type { Db } from 'mongodb';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app.js';
import { ensureIndexes } from '../../db/indexes.js';
import { connectMongo } from '../../db/mongo.js';
import { startStack, type RunningStack } from '../../dev/stack.js';
import { createLogger } from '../../observability/logger.js';
import { createSandboxAdmin, startSandbox, type RunningSandbox, type SandboxAdmin } from '../../sandbox/index.js';
import { createCredentialsCipher } from '../../security/credentials-cipher.js';
import { createApiClient } from '../../dev/api-client.js';
import type { SyncTuning } from '../../contracts/sync.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface BenchStackOptions {
  dataDir: string;
  /** Use this MongoDB-wire server instead of starting FerretDB through dev/stack.ts (the drill runs its own). */
  mongoUri?: string;
  log?: (line: string) => void;
  /** Drills only: harsher timeouts for every sync the API starts (PayrollSyncInput.tuning). */
  syncTuning?: SyncTuning;
}

const PLATFORM_BASE_URL = 'http://platform.bench';

export type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;

export async function startBenchStack(opts: BenchStackOptions) {
  // Services the caller's environment may point at are ignored: the bench always runs on its own stack.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL', 'MONGODB_URI', 'SMTP_URL', 'PERSONIO_BASE_URL']) delete env[name];
  if (opts.mongoUri) env.MONGODB_URI = opts.mongoUri;
  const stack: RunningStack = await startStack({ mode: 'test', dataDir: opts.dataDir, env, ...(opts.log ? { log: opts.log } : {}) });
  const cleanups: (() => Promise<unknown>)[] = [() => stack.stop()];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const sandbox: RunningSandbox = await startSandbox({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => sandbox.close());
    const admin: SandboxAdmin = createSandboxAdmin(sandbox.url);

    // The product's own client (db/mongo.ts): the drill restarts the database under the API too.
    const dbName = `bench_${randomUUID().slice(0, 8)}`;
    const mongo = await connectMongo(stack.mongoUri, dbName, { client: { serverSelectionTimeoutMS: 60_000 } });
    cleanups.push(() => mongo.close());
    const db: Db = mongo.db;
    await ensureIndexes(db);

    const connection = await Connection.connect({ address: stack.temporalAddress });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: stack.temporalNamespace });

    const credentialsKey = randomBytes(32).toString('base64');
    const cipher = createCredentialsCipher({ key: credentialsKey, keyId: 'bench-key' });
    const taskQueue = `bench-${randomUUID().slice(0, 8)}`;
    const apiToken = `bench-${randomBytes(16).toString('hex')}`;
    // A plain object (not a literal in the call): fields the API config gains or loses stay compatible.
    const config = {
      apiTokens: [apiToken],
      taskQueue,
      interactiveTaskQueue: `${taskQueue}-interactive`,
      temporalNamespace: stack.temporalNamespace,
      temporalUiUrl: 'http://temporal-ui.bench',
      maxBodyBytes: 16 * 1024 * 1024,
      connectionTestWaitMs: 20_000,
      platformBaseUrl: PLATFORM_BASE_URL,
    };
    /** The API over real HTTP; its calls, with the bench token. */
    async function serveApi(apiConfig: typeof config) {
      const app = createApp({
        db,
        temporal,
        cipher,
        logger: createLogger({ level: 'warn', sink: (line) => opts.log?.(`[api] ${line}`) }),
        config: apiConfig,
        ...(opts.syncTuning ? { syncTuning: opts.syncTuning } : {}),
      });
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = createApiClient(url, apiToken);
      return { url, call: (method: string, path: string, body?: unknown) => client.call<Json>(method, path, body) };
    }
    const main = await serveApi(config);
    const apiUrl = main.url;
    const api = main.call;
    /**
     * The API as it was before interactive work had a queue of its own: connection tests and type lists on the sync
     * queue (for the before/after of the connection-test latency bench; its worker needs `sharedQueue` too).
     */
    const sharedQueueApi = (await serveApi({ ...config, interactiveTaskQueue: taskQueue })).call;

    /** Like an API's call, but fails unless the status is the expected one. */
    const expecting =
      (call: typeof api) =>
      async (status: number, method: string, path: string, body?: unknown): Promise<Json> => {
        const res = await call(method, path, body);
        if (res.status !== status) throw new Error(`${method} ${path}: expected HTTP ${status}, got ${res.status}: ${res.text.slice(0, 500)}`);
        return res.json;
      };
    const apiExpect = expecting(api);
    const sharedQueueApiExpect = expecting(sharedQueueApi);

    /** Environment of a worker process (`node --import tsx worker.ts`) serving this stack. */
    function workerEnv(overrides: { requestsPerMinute: number; logLevel?: string; sharedQueue?: boolean; env?: NodeJS.ProcessEnv }): NodeJS.ProcessEnv {
      return {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TEMPORAL_ADDRESS: stack.temporalAddress,
        TEMPORAL_NAMESPACE: stack.temporalNamespace,
        TEMPORAL_TASK_QUEUE: taskQueue,
        TEMPORAL_INTERACTIVE_TASK_QUEUE: overrides.sharedQueue ? taskQueue : config.interactiveTaskQueue,
        MONGODB_URI: stack.mongoUri,
        MONGODB_DB: dbName,
        CREDENTIALS_KEY: credentialsKey,
        CREDENTIALS_KEY_ID: 'bench-key',
        PERSONIO_BASE_URL: sandbox.url,
        PERSONIO_REQUESTS_PER_MINUTE: String(overrides.requestsPerMinute),
        WORKER_METRICS_PORT: '0',
        SMTP_URL: stack.smtpUrl,
        PLATFORM_BASE_URL: PLATFORM_BASE_URL,
        LOG_LEVEL: overrides.logLevel ?? 'info',
        ...overrides.env,
      };
    }

    return { stack, sandbox, admin, db, dbName, temporal, taskQueue, interactiveTaskQueue: config.interactiveTaskQueue, apiUrl, api, sharedQueueApi, sharedQueueApiExpect, apiExpect, workerEnv, close };
  } catch (error) {
    await close();
    throw error;
  }
}
