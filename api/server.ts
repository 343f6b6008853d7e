// The API process: configuration from env, MongoDB and Temporal connections, then the Hono app.
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { fileURLToPath } from 'node:url';
import { apiServerEnvSchema, interactiveTaskQueueOf, parseEnv } from '../config/env.js';
import { temporalConnectSettings } from '../config/temporal.js';
import { ensureIndexes } from '../db/indexes.js';
import { connectMongo } from '../db/mongo.js';
import { createLogger } from '../observability/logger.js';
import { createCredentialsCipher } from '../security/credentials-cipher.js';
import { createApp } from './app.js';
import { ensureHealthSchedules } from './connection-health-schedules.js';
import { ensureRetentionSchedule } from './retention-schedule.js';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(env: NodeJS.ProcessEnv = process.env): Promise<RunningApi> {
  const config = parseEnv(apiServerEnvSchema, env);
  const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'api' } });
  const mongo = await connectMongo(config.MONGODB_URI, config.MONGODB_DB);
  await ensureIndexes(mongo.db);
  const temporalSettings = temporalConnectSettings(env);
  const connection = await Connection.connect(temporalSettings.connectionOptions);
  const temporal = new Client({ connection, namespace: temporalSettings.namespace });
  const app = createApp({
    db: mongo.db,
    temporal,
    logger,
    cipher: createCredentialsCipher({ key: config.CREDENTIALS_KEY, keyId: config.CREDENTIALS_KEY_ID, previousKeys: config.CREDENTIALS_PREVIOUS_KEYS }),
    config: {
      apiTokens: config.API_TOKENS,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      interactiveTaskQueue: interactiveTaskQueueOf(config),
      temporalNamespace: temporalSettings.namespace,
      temporalUiUrl: config.TEMPORAL_UI_URL,
      maxBodyBytes: config.MAX_BODY_BYTES,
      connectionTestWaitMs: config.CONNECTION_TEST_WAIT_MS,
      rateLimits: { perTokenPerMinute: config.RATE_LIMIT_PER_TOKEN_PER_MINUTE, perCompanyPerMinute: config.RATE_LIMIT_PER_COMPANY_PER_MINUTE },
      platformBaseUrl: config.PLATFORM_BASE_URL,
      webhookAllowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    },
  });
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: env.HOST ?? '0.0.0.0' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info('API listening', { port });
  ensureRetentionSchedule(temporal, config.TEMPORAL_TASK_QUEUE).then(
    (outcome) => logger.info('data retention schedule', { outcome }),
    (error: unknown) => logger.warn('could not create the data retention schedule', { error: error instanceof Error ? error.message : String(error) }),
  );
  // Companies connected before health checks existed get their schedule; in the background, it needs no request.
  ensureHealthSchedules({ temporal, interactiveTaskQueue: interactiveTaskQueueOf(config) }, mongo.db).then(
    (created) => logger.info('health schedules checked', { created }),
    (error: unknown) => logger.warn('could not check the health schedules', { error: error instanceof Error ? error.message : String(error) }),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      await mongo.close();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startApiServer()
    .then((api) => {
      const shutdown = () => void api.close().finally(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
