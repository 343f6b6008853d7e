// `npm run dev`: the whole product on one machine — local stack, worker and API — with its URLs printed.
import { NativeConnection } from '@temporalio/worker';
import { join, resolve } from 'node:path';
import { createWorkerDeps } from '../activities/deps.js';
import { startApiServer } from '../api/server.js';
import { parseEnv, workerEnvSchema } from '../config/env.js';
import { createWorker } from '../worker.js';
import { loadOrCreateDevSecrets } from './dev-secrets.js';
import { sandboxSlot } from './sandbox-slot.js';
import { startStack } from './stack.js';

const dataDir = resolve(process.env.DEV_DATA_DIR ?? '.data');
const log = (line: string) => console.log(line);

const stack = await startStack({ mode: 'dev', dataDir, personio: sandboxSlot, log });
const secrets = loadOrCreateDevSecrets(join(dataDir, 'dev-secrets.json'));
const apiPort = process.env.PORT ?? '3000';
const env: NodeJS.ProcessEnv = {
  ...process.env,
  TEMPORAL_ADDRESS: stack.temporalAddress,
  TEMPORAL_UI_URL: process.env.TEMPORAL_UI_URL ?? stack.temporalUiUrl ?? 'http://localhost:8233',
  MONGODB_URI: stack.mongoUri,
  SMTP_URL: stack.smtpUrl,
  PERSONIO_BASE_URL: stack.personioBaseUrl,
  API_TOKENS: process.env.API_TOKENS ?? secrets.apiToken,
  CREDENTIALS_KEY: process.env.CREDENTIALS_KEY ?? secrets.credentialsKey,
  PORT: apiPort,
  HOST: process.env.HOST ?? '127.0.0.1',
  PLATFORM_BASE_URL: process.env.PLATFORM_BASE_URL ?? `http://127.0.0.1:${apiPort}`,
};

let shuttingDown = false;
const shutdown = async (code: number) => {
  if (shuttingDown) return;
  shuttingDown = true;
  log('\n[dev] shutting down…');
  worker.shutdown();
  await workerDone.catch(() => undefined);
  await api.close().catch(() => undefined);
  await workerConnection.close().catch(() => undefined);
  await workerDeps.close().catch(() => undefined);
  await stack.stop();
  process.exit(code);
};

const workerConfig = parseEnv(workerEnvSchema, env);
const workerDeps = await createWorkerDeps(workerConfig);
const workerConnection = await NativeConnection.connect({ address: stack.temporalAddress });
const worker = await createWorker({
  connection: workerConnection,
  namespace: stack.temporalNamespace,
  taskQueue: workerConfig.TEMPORAL_TASK_QUEUE,
  deps: workerDeps,
});
const workerDone = worker.run();
const api = await startApiServer(env);
process.once('SIGINT', () => void shutdown(130));
process.once('SIGTERM', () => void shutdown(143));

log(`
Payroll sync is running.
  API             ${api.url}   (token: ${process.env.API_TOKENS ? 'from API_TOKENS' : `"apiToken" in ${join(dataDir, 'dev-secrets.json')}`})
  OpenAPI docs    ${api.url}/docs
  Temporal Web UI ${env.TEMPORAL_UI_URL}
  Caught mail     ${stack.mailWebUrl ?? `(external SMTP ${stack.smtpUrl})`}
  Personio        ${stack.personioBaseUrl ?? '(not configured)'}
  Data and logs   ${dataDir}
Press Ctrl-C to stop everything.`);
