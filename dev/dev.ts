// `npm run dev`: the whole product on one machine — local stack, worker and API — seeded with a demo
// company, with its URLs and a short walk-through printed. <DEV_DATA_DIR>/dev-endpoints.json tells
// `npm run demo` (and the e2e test) where everything runs.
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { createWorkerDeps } from '../activities/deps.js';
import { startApiServer, type RunningApi } from '../api/server.js';
import { interactiveTaskQueueOf, parseEnv, workerEnvSchema } from '../config/env.js';
import { createWorkers } from '../worker.js';
import { installWorkerTelemetry } from '../observability/worker-metrics.js';
import { seedDemo, type SeedResult } from './demo-seed.js';
import { devDataDir, devEndpointsFile, removeDevEndpoints, writeDevEndpoints } from './dev-endpoints.js';
import { loadOrCreateDevSecrets } from './dev-secrets.js';
import { freePort } from './free-port.js';
import { sandboxSlot } from './sandbox-slot.js';
import { startStack, type RunningStack } from './stack.js';
import { startWebhookCatcher, type WebhookCatcher } from './webhook-catcher.js';

const DEFAULT_PORT = 3000;
const dataDir = devDataDir();
const endpointsFile = devEndpointsFile();
const secretsFile = join(dataDir, 'dev-secrets.json');
const log = (line: string) => console.log(line);
const host = process.env.HOST ?? '127.0.0.1';

function canListen(port: number, onHost: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, onHost, () => server.close(() => resolve(true)));
  });
}

/** PORT as given; PORT=0 or (PORT unset and 3000 taken) → a free port. */
async function resolveApiPort(): Promise<{ port: string; note?: string }> {
  const requested = process.env.PORT?.trim();
  if (requested === '0') return { port: String(await freePort()), note: 'PORT=0: picked a free port' };
  if (requested) return { port: requested };
  if (await canListen(DEFAULT_PORT, host)) return { port: String(DEFAULT_PORT) };
  return { port: String(await freePort()), note: `port ${DEFAULT_PORT} is taken and PORT is unset: picked a free port` };
}

// Everything started so far, stopped in reverse order on Ctrl-C, SIGTERM or a failed start.
let stack: RunningStack | undefined;
let workers: Worker[] = [];
let workerDone: Promise<void> | undefined;
let workerConnection: NativeConnection | undefined;
let workerDeps: Awaited<ReturnType<typeof createWorkerDeps>> | undefined;
let api: RunningApi | undefined;
let webhookCatcher: WebhookCatcher | undefined;
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    log('\n[dev] shutting down…');
    removeDevEndpoints(endpointsFile);
    try {
      for (const worker of workers) worker.shutdown();
    } catch {
      // not running yet
    }
    await workerDone?.catch(() => undefined);
    await api?.close().catch(() => undefined);
    await workerConnection?.close().catch(() => undefined);
    await workerDeps?.close().catch(() => undefined);
    await webhookCatcher?.stop().catch(() => undefined);
    await stack?.stop();
  }
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(130));
process.once('SIGTERM', () => void shutdown(143));

async function main(): Promise<void> {
  removeDevEndpoints(endpointsFile);
  stack = await startStack({ mode: 'dev', dataDir, personio: sandboxSlot, log });
  webhookCatcher = await startWebhookCatcher({ dir: join(dataDir, 'webhooks'), port: await freePort() });
  const secrets = loadOrCreateDevSecrets(secretsFile);
  const apiPort = await resolveApiPort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_UI_URL: process.env.TEMPORAL_UI_URL ?? stack.temporalUiUrl ?? 'http://localhost:8233',
    MONGODB_URI: stack.mongoUri,
    SMTP_URL: stack.smtpUrl,
    PERSONIO_BASE_URL: stack.personioBaseUrl,
    // The embedded sandbox has no resource rate limit: the demo need not crawl at production pace.
    PERSONIO_REQUESTS_PER_MINUTE: process.env.PERSONIO_REQUESTS_PER_MINUTE ?? (process.env.PERSONIO_BASE_URL ? undefined : '3000'),
    API_TOKENS: process.env.API_TOKENS ?? secrets.apiToken,
    CREDENTIALS_KEY: process.env.CREDENTIALS_KEY ?? secrets.credentialsKey,
    PORT: apiPort.port,
    HOST: host,
    PLATFORM_BASE_URL: process.env.PLATFORM_BASE_URL ?? `http://127.0.0.1:${apiPort.port}`,
    // The webhook catcher runs on 127.0.0.1, which production refuses as a target.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
  };

  const workerConfig = parseEnv(workerEnvSchema, env);
  workerDeps = await createWorkerDeps(workerConfig, installWorkerTelemetry(workerConfig.WORKER_METRICS_PORT));
  workerConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  workers = await createWorkers({
    connection: workerConnection,
    namespace: stack.temporalNamespace,
    syncTaskQueue: workerConfig.TEMPORAL_TASK_QUEUE,
    interactiveTaskQueue: interactiveTaskQueueOf(workerConfig),
    deps: workerDeps,
    shutdownGraceMs: workerConfig.WORKER_SHUTDOWN_GRACE_MS,
  });
  workerDone = Promise.all(workers.map((worker) => worker.run())).then(() => undefined);
  // A worker that dies later takes the dev command down with it, loudly, instead of leaving a half stack.
  workerDone.catch((error: unknown) => {
    if (shuttingDown) return;
    console.error('[dev] the worker stopped:', error);
    void shutdown(1);
  });
  api = await startApiServer(env);
  if (apiPort.note) log(`[dev] API on port ${new URL(api.url).port} (${apiPort.note})`);

  // The demo seed: only against the embedded sandbox (a real Personio is never written to by the dev command).
  let demo: SeedResult | undefined;
  const seedDisabled = ['0', 'false', 'no'].includes((process.env.DEV_SEED ?? '').toLowerCase());
  if (seedDisabled) log('[seed] skipped (DEV_SEED is off)');
  else if (process.env.PERSONIO_BASE_URL || !stack.personioBaseUrl) log('[seed] skipped: PERSONIO_BASE_URL points at an external Personio');
  else {
    try {
      const catcher = webhookCatcher;
      demo = await seedDemo({
        apiUrl: api.url,
        apiToken: env.API_TOKENS!.split(',')[0]!.trim(),
        personioBaseUrl: stack.personioBaseUrl,
        log,
        webhookCatcher: { hookUrl: catcher.hookUrl, secretFile: join(dataDir, 'webhook-catcher-secret.json'), setSecret: (secret) => catcher.setSecret(secret) },
      });
    } catch (error) {
      log(`[seed] FAILED: ${error instanceof Error ? error.message : String(error)} — the stack runs without a complete demo`);
    }
  }

  writeDevEndpoints(endpointsFile, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    apiUrl: api.url,
    docsUrl: `${api.url}/docs`,
    temporalUiUrl: env.TEMPORAL_UI_URL ?? null,
    temporalNamespace: stack.temporalNamespace,
    mailWebUrl: stack.mailWebUrl ?? null,
    webhookCatcherUrl: webhookCatcher.webUrl,
    personioBaseUrl: stack.personioBaseUrl ?? null,
    dataDir,
    secretsFile,
    demo: demo ? { companyId: demo.companyId, period: demo.period, managerEmail: demo.managerEmail } : null,
  });

  const shown = (path: string) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path) || '.');
  const tokenHint = process.env.API_TOKENS ? 'from API_TOKENS' : `"apiToken" in ${shown(secretsFile)}`;
  const lines = [
    '',
    'Payroll sync is running.',
    `  API             ${api.url}   (token: ${tokenHint})`,
    `  OpenAPI docs    ${api.url}/docs`,
    `  Temporal Web UI ${env.TEMPORAL_UI_URL}`,
    `  Metrics         ${api.url}/metrics (API)   ${workerConfig.WORKER_METRICS_PORT ? `http://localhost:${workerConfig.WORKER_METRICS_PORT}/metrics (worker)` : '(worker metrics off: WORKER_METRICS_PORT=0)'}`,
    `  Caught mail     ${stack.mailWebUrl ?? `(external SMTP ${stack.smtpUrl})`}`,
    `  Caught webhooks ${webhookCatcher.webUrl}   (signatures checked with the demo endpoint's secret)`,
    `  Personio        ${stack.personioBaseUrl ? `${stack.personioBaseUrl}${process.env.PERSONIO_BASE_URL ? '' : '   (sandbox)'}` : '(not configured)'}`,
    `  Data and logs   ${shown(dataDir)}   (endpoints: ${shown(endpointsFile)})`,
  ];
  if (demo) {
    const syncs = `${api.url}/v1/companies/${demo.companyId}/payroll-syncs`;
    lines.push(
      '',
      `Demo: company "${demo.companyId}" (manager ${demo.managerEmail}), ${demo.employees} employees in the sandbox,`,
      `      ${demo.entries} benefit entries for ${demo.period} (3 emails match nobody in Personio, 1 employee is inactive).`,
      '',
      'Walk-through — in a second terminal:',
      '  npm run demo      connection test → compensation types → mapping → dry run → sync → export log',
      '                    → summary email → webhook → the same sync again (nothing is pushed twice)',
      '                    → four eyes on the next month (preview, refused self-approval, approval)',
      `  by hand:          docs/walkthrough.md (curl), or the OpenAPI docs above with the token`,
      `  then look at:     the sync in the Temporal Web UI, the summary email under Caught mail, its webhook under Caught webhooks,`,
      `                    the export log at ${syncs}`,
    );
  }
  lines.push('Press Ctrl-C to stop everything.');
  log(lines.join('\n'));
}

main().catch(async (error: unknown) => {
  console.error('[dev] could not start:', error instanceof Error ? (error.stack ?? error.message) : error);
  await shutdown(1);
});
