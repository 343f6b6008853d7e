// Configuration from environment variables, validated once at start-up. Each process reads the part it needs.
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

export const temporalEnvSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('payroll-sync'),
  /** Connection tests and the type list: a person waits for them, so they never queue behind chunk pushes. */
  TEMPORAL_INTERACTIVE_TASK_QUEUE: z.string().min(1).optional(),
  TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
});

/** The interactive queue: TEMPORAL_INTERACTIVE_TASK_QUEUE, else `<TEMPORAL_TASK_QUEUE>-interactive`. */
export const interactiveTaskQueueOf = (env: { TEMPORAL_TASK_QUEUE: string; TEMPORAL_INTERACTIVE_TASK_QUEUE?: string | undefined }) =>
  env.TEMPORAL_INTERACTIVE_TASK_QUEUE ?? `${env.TEMPORAL_TASK_QUEUE}-interactive`;

export const mongoEnvSchema = z.object({
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI').default('mongodb://localhost:27017'),
  MONGODB_DB: z.string().min(1).default('payroll_sync'),
});

/** The worker's last resort against a wedged MongoDB client (see db/mongo.ts `watchMongoClient`). */
export const workerMongoEnvSchema = z.object({
  /**
   * After this long without a usable MongoDB server while the server answers a fresh client, the worker exits
   * (code 75) so that its supervisor restarts it. 0 turns the watchdog off.
   */
  MONGODB_WEDGED_EXIT_MS: z.coerce.number().int().min(0).default(30_000),
});

/** Which queues a worker process serves, and how it stops. */
export const workerProcessEnvSchema = z.object({
  /** `all` (default): the sync queue and the interactive one; `sync` or `interactive` for dedicated processes. */
  WORKER_TASK_QUEUES: z.enum(['all', 'sync', 'interactive']).default('all'),
  /**
   * On SIGTERM the worker stops taking tasks, and running activities get this long to finish before they are
   * cancelled (a push then stops before its next POST and is retried elsewhere). Default 25 s: within the 30 s a
   * container orchestrator usually allows.
   */
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000),
  /** Prometheus metrics (the Temporal SDK's and the sync's) on this port, path /metrics; 0 = off. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
});

export const credentialsEnvSchema = z.object({
  /** base64 of 32 random bytes (AES-256-GCM). */
  CREDENTIALS_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)'),
  CREDENTIALS_KEY_ID: z.string().min(1).default('k1'),
  /** Older keys still able to decrypt, as `id:base64key` pairs separated by commas. */
  CREDENTIALS_PREVIOUS_KEYS: z.string().default(''),
});

export const personioEnvSchema = z.object({
  PERSONIO_BASE_URL: z.url().default('https://api.personio.de'),
  PERSONIO_PARTNER_ID: z.string().optional(),
  PERSONIO_APP_ID: z.string().optional(),
  PERSONIO_REQUESTS_PER_MINUTE: positiveInt.default(300),
  PERSONIO_TIMEOUT_MS: positiveInt.default(15_000),
});

export const smtpEnvSchema = z.object({
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').default('smtp://localhost:1025'),
  SMTP_FROM: z.string().min(3).default('Payroll Sync <payroll-sync@localhost>'),
  SMTP_TLS_REJECT_UNAUTHORIZED: booleanFlag.default(true),
  SMTP_REQUIRE_TLS: booleanFlag.default(false),
});

export const MIN_API_TOKEN_LENGTH = 32;
/** Tokens documented as examples: refused, so a copied .env.example never guards a real API. */
export const PLACEHOLDER_TOKENS: ReadonlySet<string> = new Set(['change-me-to-a-long-random-token', 'replace-with-at-least-32-random-characters-0000']);

export const apiEnvSchema = z.object({
  PORT: port.default(3000),
  API_TOKENS: commaList.pipe(
    z
      .array(
        z
          .string()
          .min(MIN_API_TOKEN_LENGTH, `each API token must be at least ${MIN_API_TOKEN_LENGTH} characters (openssl rand -base64 32)`)
          .refine((token) => !PLACEHOLDER_TOKENS.has(token), 'is the placeholder from .env.example: generate a real token (openssl rand -base64 32)'),
      )
      .min(1, 'at least one token is required'),
  ),
  MAX_BODY_BYTES: positiveInt.default(10 * 1024 * 1024),
  CONNECTION_TEST_WAIT_MS: positiveInt.default(20_000),
  /** Requests that start workflows (syncs, dry runs, retries, connection tests, type lists, triggers), per minute. */
  RATE_LIMIT_PER_TOKEN_PER_MINUTE: positiveInt.default(120),
  RATE_LIMIT_PER_COMPANY_PER_MINUTE: positiveInt.default(30),
});

/** Webhook targets: the API checks them when an endpoint is set, the worker again before every attempt. */
export const webhookTargetEnvSchema = z.object({
  /** Allow webhook URLs on loopback, private, link-local, unique-local and CGNAT addresses (dev and tests only). */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanFlag.default(false),
});

/** How the worker delivers webhooks: each attempt's timeout and the backoff between attempts (for up to 24 h). */
export const webhookDeliveryEnvSchema = z.object({
  WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
  WEBHOOK_RETRY_INITIAL_INTERVAL_MS: positiveInt.default(10_000),
  WEBHOOK_RETRY_MAX_INTERVAL_MS: positiveInt.default(3_600_000),
});

/** Sync artefacts (per-entry results, work documents) and replaced entry sets older than this are pruned daily. */
export const retentionEnvSchema = z.object({
  RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(24),
});

export const platformEnvSchema = z.object({
  PLATFORM_BASE_URL: z.url().default('http://localhost:3000'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export const workerEnvSchema = temporalEnvSchema
  .extend(mongoEnvSchema.shape)
  .extend(workerMongoEnvSchema.shape)
  .extend(workerProcessEnvSchema.shape)
  .extend(credentialsEnvSchema.shape)
  .extend(personioEnvSchema.shape)
  .extend(smtpEnvSchema.shape)
  .extend(webhookTargetEnvSchema.shape)
  .extend(webhookDeliveryEnvSchema.shape)
  .extend(platformEnvSchema.shape);

export const apiServerEnvSchema = temporalEnvSchema
  .extend(mongoEnvSchema.shape)
  .extend(credentialsEnvSchema.shape)
  .extend(apiEnvSchema.shape)
  .extend(webhookTargetEnvSchema.shape)
  .extend(platformEnvSchema.shape);

export type WorkerEnv = z.infer<typeof workerEnvSchema>;
export type ApiServerEnv = z.infer<typeof apiServerEnvSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses env with a schema; the error lists every bad variable, never its value (values can be secrets). */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
