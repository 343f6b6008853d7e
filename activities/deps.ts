// What activities need from the outside world, built once per worker process.
import type { Db } from 'mongodb';
import type { WorkerEnv } from '../config/env.js';
import { connectMongo } from '../db/mongo.js';
import { ensureIndexes } from '../db/indexes.js';
import { createLogger, type Logger } from '../observability/logger.js';

export interface ActivityDeps {
  db: Db;
  logger: Logger;
}

export interface WorkerDeps extends ActivityDeps {
  close(): Promise<void>;
}

export async function createWorkerDeps(config: WorkerEnv): Promise<WorkerDeps> {
  const mongo = await connectMongo(config.MONGODB_URI, config.MONGODB_DB);
  await ensureIndexes(mongo.db);
  const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'worker' } });
  return { db: mongo.db, logger, close: () => mongo.close() };
}
