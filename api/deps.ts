import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { SyncTuning } from '../contracts/sync.js';
import type { Logger } from '../observability/logger.js';
import type { RateLimits } from './rate-limits.js';
import type { CredentialsCipher } from '../security/credentials-cipher.js';

export interface ApiConfig {
  apiTokens: readonly string[];
  /** Payroll syncs and schedules. */
  taskQueue: string;
  /** Connection tests and the type list: a person waits for them. */
  interactiveTaskQueue: string;
  temporalNamespace: string;
  temporalUiUrl: string;
  maxBodyBytes: number;
  connectionTestWaitMs: number;
  /** Base of links into the platform (the export log link in summary emails). */
  platformBaseUrl: string;
  /** Limits on the requests that start workflows (default DEFAULT_RATE_LIMITS). */
  rateLimits?: RateLimits;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: webhook URLs on private networks are accepted (dev and tests); default false. */
  webhookAllowPrivateTargets?: boolean;
}

export interface ApiDeps {
  db: Db;
  temporal: Client;
  cipher: CredentialsCipher;
  config: ApiConfig;
  logger: Logger;
  /** Drills only: harsher timeouts for every sync this API starts (never set by api/server.ts). */
  syncTuning?: SyncTuning;
}
