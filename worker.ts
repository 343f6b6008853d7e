// The worker process: runs the workflows (deterministic, bundled) and the activities (all I/O).
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createActivities, type ActivityDeps } from './activities/index.js';
import { heartbeatingInterceptors } from './activities/interceptors.js';
import { interactiveTaskQueueOf, parseEnv, workerEnvSchema } from './config/env.js';
import { temporalConnectSettings } from './config/temporal.js';
import { createWorkerDeps } from './activities/deps.js';
import { ensureSearchAttributes } from './config/ensure-search-attributes.js';
import { superviseMongoClient } from './db/mongo-supervision.js';
import { installWorkerTelemetry } from './observability/worker-metrics.js';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebundled workflow bundle (production build) or, by default, the workflow sources. */
  workflowBundlePath?: string;
  workflowsPath?: string;
  /** Running activities get this long to finish after shutdown begins, then they are cancelled. Default 25 s. */
  shutdownGraceMs?: number;
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>;
}

export const DEFAULT_WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/** Resolves the workflow code: the prebundled file beside the compiled worker when present, else the sources. */
function workflowSource(opts: Pick<CreateWorkerOptions, 'workflowBundlePath' | 'workflowsPath'>): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (opts.workflowBundlePath) return { workflowBundle: { codePath: opts.workflowBundlePath } };
  if (opts.workflowsPath) return { workflowsPath: opts.workflowsPath };
  const prebundled = fileURLToPath(new URL('./workflow-bundle.js', import.meta.url));
  if (existsSync(prebundled)) return { workflowBundle: { codePath: prebundled } };
  const compiled = fileURLToPath(new URL('./workflows/index.js', import.meta.url));
  return { workflowsPath: existsSync(compiled) ? compiled : DEFAULT_WORKFLOWS_PATH };
}

/** The options every worker of this service runs with. */
function serviceWorkerOptions(
  opts: Pick<CreateWorkerOptions, 'connection' | 'namespace' | 'deps' | 'shutdownGraceMs' | 'tuning'>,
  taskQueue: string,
  source: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>,
): WorkerOptions {
  return {
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue,
    activities: createActivities(opts.deps),
    interceptors: { activity: [heartbeatingInterceptors()] },
    ...source,
    maxConcurrentActivityTaskExecutions: 50,
    shutdownGraceTime: opts.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    ...opts.tuning,
  };
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create(serviceWorkerOptions(opts, opts.taskQueue, workflowSource(opts)));
}

const DEFAULT_SHUTDOWN_GRACE_MS = 25_000;
/** Interactive work is short and rare: a few slots of its own keep it from waiting behind pushes. */
const INTERACTIVE_ACTIVITY_SLOTS = 10;

/**
 * The workers of one process: the sync queue, the interactive queue (connection tests, type lists), or both —
 * each with its own activity slots, all from one workflow bundle (bundled once, not per queue).
 */
export async function createWorkers(
  opts: Omit<CreateWorkerOptions, 'taskQueue' | 'tuning'> & { syncTaskQueue?: string; interactiveTaskQueue?: string },
): Promise<Worker[]> {
  const source = workflowSource(opts);
  const bundled = source.workflowBundle ? source : { workflowBundle: { code: (await bundleWorkflowCode({ workflowsPath: source.workflowsPath as string, logger: quietBundler })).code } };
  const workers: Worker[] = [];
  if (opts.syncTaskQueue) workers.push(await Worker.create(serviceWorkerOptions(opts, opts.syncTaskQueue, bundled)));
  // One queue for both (TEMPORAL_INTERACTIVE_TASK_QUEUE = TEMPORAL_TASK_QUEUE): interactive work shares the sync's slots.
  if (opts.interactiveTaskQueue && opts.interactiveTaskQueue !== opts.syncTaskQueue) {
    workers.push(await Worker.create(serviceWorkerOptions({ ...opts, tuning: { maxConcurrentActivityTaskExecutions: INTERACTIVE_ACTIVITY_SLOTS } }, opts.interactiveTaskQueue, bundled)));
  }
  return workers;
}

const quietBundler = { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} };

export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = parseEnv(workerEnvSchema, env);
  const telemetry = installWorkerTelemetry(config.WORKER_METRICS_PORT);
  const temporal = temporalConnectSettings(env);
  const connection = await NativeConnection.connect(temporal.connectionOptions);
  const deps = await createWorkerDeps(config, telemetry);
  const mongoSupervision = superviseMongoClient({ client: deps.db.client, uri: config.MONGODB_URI, logger: deps.logger, wedgedExitMs: config.MONGODB_WEDGED_EXIT_MS });
  await ensureSearchAttributes(connection, temporal.namespace, deps.logger);
  const queues = config.WORKER_TASK_QUEUES;
  const syncTaskQueue = queues === 'interactive' ? undefined : config.TEMPORAL_TASK_QUEUE;
  const interactiveTaskQueue = queues === 'sync' ? undefined : interactiveTaskQueueOf(config);
  const workers = await createWorkers({
    connection,
    namespace: temporal.namespace,
    deps,
    shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE_MS,
    ...(syncTaskQueue ? { syncTaskQueue } : {}),
    ...(interactiveTaskQueue ? { interactiveTaskQueue } : {}),
  });
  deps.logger.info('worker started', {
    taskQueues: [syncTaskQueue, interactiveTaskQueue].filter(Boolean),
    namespace: temporal.namespace,
    metrics: config.WORKER_METRICS_PORT ? `http://localhost:${config.WORKER_METRICS_PORT}/metrics` : 'off',
  });
  try {
    // Worker.run() shuts down on SIGINT/SIGTERM: no new tasks, running activities get the grace time, then exit.
    await Promise.all(workers.map((worker) => worker.run()));
  } finally {
    mongoSupervision.stop();
    await connection.close();
    await deps.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runWorker().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
