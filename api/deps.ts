import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { Logger } from '../observability/logger.js';

export interface ApiConfig {
  apiTokens: readonly string[];
  taskQueue: string;
  temporalNamespace: string;
  temporalUiUrl: string;
  maxBodyBytes: number;
  connectionTestWaitMs: number;
}

export interface ApiDeps {
  db: Db;
  temporal: Client;
  config: ApiConfig;
  logger: Logger;
}
