// The worker's supervision of its MongoDB client: logs what the guard does and, as a last resort, exits.
import type { MongoClient } from 'mongodb';
import type { Logger } from '../observability/logger.js';
import { mongoHealthOf, type MongoGuardEvent } from './mongo-guard.js';
import { watchMongoClient } from './mongo-watchdog.js';

/** Exit code of a worker that gave up on its MongoDB client (EX_TEMPFAIL): its supervisor starts a new one. */
export const EXIT_MONGO_WEDGED = 75;

/**
 * Logs what the MongoDB guard does (db/mongo.ts) and, as a last resort, exits when the client is wedged
 * while the database answers others: docker compose (`restart: unless-stopped`) or any other supervisor
 * starts a fresh worker, and Temporal retries the abandoned attempts after their heartbeat timeout.
 */
export function superviseMongoClient(opts: {
  client: MongoClient;
  uri: string;
  logger: Logger;
  wedgedExitMs: number;
  /** How often the watchdog looks (default 5 s). */
  watchEveryMs?: number;
  exit?: (code: number) => void;
}): { stop(): void } {
  const log = opts.logger.child({ component: 'mongodb' });
  const describe = (event: MongoGuardEvent) => {
    if (event.kind === 'monitor-stalled') {
      log.warn(event.restarted ? 'mongodb server monitor stuck; restarted it' : 'mongodb server monitor stuck; cannot restart it', { ...event });
    } else if (event.kind === 'monitor-recovered') {
      log.info('mongodb server usable again', { ...event });
    } else {
      log.error('mongodb operation hung on its connection', { ...event });
    }
  };
  const unsubscribe = mongoHealthOf(opts.client)?.onEvent(describe);
  const watchdog =
    opts.wedgedExitMs > 0
      ? watchMongoClient({
          client: opts.client,
          uri: opts.uri,
          unusableForMs: opts.wedgedExitMs,
          ...(opts.watchEveryMs ? { everyMs: opts.watchEveryMs } : {}),
          onWedged: (reason, details) => {
            log.error('mongodb client wedged; exiting so that the supervisor restarts the worker', { reason, ...details, exitCode: EXIT_MONGO_WEDGED });
            (opts.exit ?? ((code: number) => process.exit(code)))(EXIT_MONGO_WEDGED);
          },
        })
      : undefined;
  return {
    stop() {
      unsubscribe?.();
      watchdog?.stop();
    },
  };
}
