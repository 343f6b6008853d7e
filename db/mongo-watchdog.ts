// The worker's last resort against a wedged MongoDB client: decide it is wedged only while the server
// answers a fresh client.
import { MongoClient } from 'mongodb';
import { guardMongoClient, mongoHealthOf, type MongoGuardEvent } from './mongo-guard.js';

/** One ping through a fresh client: does the server answer anyone at all? */
export async function mongoReachable(uri: string, timeoutMs = 3_000): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, socketTimeoutMS: timeoutMs });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

export interface MongoWatchdogOptions {
  client: MongoClient;
  uri: string;
  /** Give up on the client after it has had no usable server this long while a fresh client reaches one. */
  unusableForMs: number;
  /** Called once when the client is wedged (the worker logs and exits so that its supervisor restarts it). */
  onWedged(reason: string, details: Record<string, unknown>): void;
  /** How often to look. Default 5,000 ms. */
  everyMs?: number;
  /** Test seam for the fresh-client probe. */
  reachable?: () => Promise<boolean>;
}

/**
 * The last resort: the client is wedged if (a) it has had no usable server for `unusableForMs`, a ping through
 * it fails while a fresh client pings the same server fine, or (b) the guard reported a hung operation and a
 * fresh client reaches the server. Nothing is decided while the server is really down.
 */
export function watchMongoClient(opts: MongoWatchdogOptions): { stop(): void } {
  const health = mongoHealthOf(opts.client) ?? guardMongoClient(opts.client);
  const reachable = opts.reachable ?? (() => mongoReachable(opts.uri));
  let hung: MongoGuardEvent | undefined;
  const unsubscribe = health.onEvent((event) => {
    if (event.kind === 'operation-hung') hung ??= event;
  });
  let busy = false;
  let done = false;
  const timer = setInterval(() => {
    if (busy || done) return;
    busy = true;
    void (async () => {
      const since = health.unusableSince();
      const unusableMs = since === undefined ? 0 : Date.now() - since;
      if (!hung && unusableMs < opts.unusableForMs) return;
      if (!(await reachable())) return;
      if (hung) {
        done = true;
        opts.onWedged('an operation has been waiting on its connection far beyond the socket timeout', { ...hung, stats: health.stats() });
        return;
      }
      // The client's own ping makes a healthy monitor check the server at once: only a wedged client fails it.
      const ownPing = await opts.client.db('admin').command({ ping: 1 }).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
      );
      if (ownPing !== undefined && health.unusableSince() !== undefined) {
        done = true;
        opts.onWedged('no usable MongoDB server for this client while a fresh client reaches it', { unusableMs, ownPing, stats: health.stats() });
      }
    })().finally(() => {
      busy = false;
    });
  }, opts.everyMs ?? 5_000);
  timer.unref();
  return {
    stop() {
      done = true;
      clearInterval(timer);
      unsubscribe();
    },
  };
}
