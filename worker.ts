// The worker process: runs the workflows (deterministic, bundled) and the activities (all I/O).
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createActivities, type ActivityDeps } from './activities/index.js';
import { heartbeatingInterceptors } from './activities/interceptors.js';
import { parseEnv, workerEnvSchema } from './config/env.js';
import { temporalConnectSettings } from './config/temporal.js';
import { createWorkerDeps } from './activities/deps.js';
import { ensureSearchAttributes } from './config/ensure-search-attributes.js';
import { superviseMongoClient } from './db/mongo-supervision.js';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebundled workflow bundle (production build) or, by default, the workflow sources. */
  workflowBundlePath?: string;
  workflowsPath?: string;
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions' | 'maxCachedWorkflows'>;
}

export const DEFAULT_WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/** Resolves the workflow code: the prebundled file beside the compiled worker when present, else the sources. */
function workflowSource(opts: CreateWorkerOptions): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (opts.workflowBundlePath) return { workflowBundle: { codePath: opts.workflowBundlePath } };
  if (opts.workflowsPath) return { workflowsPath: opts.workflowsPath };
  const prebundled = fileURLToPath(new URL('./workflow-bundle.js', import.meta.url));
  if (existsSync(prebundled)) return { workflowBundle: { codePath: prebundled } };
  const compiled = fileURLToPath(new URL('./workflows/index.js', import.meta.url));
  return { workflowsPath: existsSync(compiled) ? compiled : DEFAULT_WORKFLOWS_PATH };
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities(opts.deps),
    interceptors: { activity: [heartbeatingInterceptors()] },
    ...workflowSource(opts),
    maxConcurrentActivityTaskExecutions: 50,
    ...opts.tuning,
  });
}

export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = parseEnv(workerEnvSchema, env);
  const temporal = temporalConnectSettings(env);
  const connection = await NativeConnection.connect(temporal.connectionOptions);
  const deps = await createWorkerDeps(config);
  const mongoSupervision = superviseMongoClient({ client: deps.db.client, uri: config.MONGODB_URI, logger: deps.logger, wedgedExitMs: config.MONGODB_WEDGED_EXIT_MS });
  await ensureSearchAttributes(connection, temporal.namespace, deps.logger);
  const worker = await createWorker({ connection, namespace: temporal.namespace, taskQueue: config.TEMPORAL_TASK_QUEUE, deps });
  deps.logger.info('worker started', { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: temporal.namespace });
  try {
    // Worker.run() installs SIGINT/SIGTERM handlers and drains in-flight tasks before resolving.
    await worker.run();
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
