// The MongoDB client of the API and the worker: timeouts that bound every wait, and the guard of
// db/mongo-guard.ts on every client.
import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import { guardMongoClient, type MongoGuardOptions, type MongoHealth } from './mongo-guard.js';

/** Defaults for every client built here; options in the connection string win (`?socketTimeoutMS=120000`). */
export const MONGO_CLIENT_DEFAULTS = {
  /** How long an operation waits for a usable server. */
  serverSelectionTimeoutMS: 10_000,
  /** TCP connect, and again the handshake; poll-mode server checks are bounded by it too. */
  connectTimeoutMS: 5_000,
  /**
   * Longest silence on a socket while an answer is awaited: a server that accepts a command and never answers
   * fails the operation (retried once by the driver, then by the activity) instead of hanging it until the
   * activity's start-to-close timeout. Far above the slowest legitimate round trip (seconds on FerretDB).
   */
  socketTimeoutMS: 60_000,
} as const;

export interface MongoHandle {
  client: MongoClient;
  db: Db;
  /** What the guard sees of the client; the worker's watchdog reads it. */
  health: MongoHealth;
  close(): Promise<void>;
}

export interface ConnectMongoOptions {
  /** Client options on top of MONGO_CLIENT_DEFAULTS (the connection string still wins). */
  client?: MongoClientOptions;
  guard?: MongoGuardOptions;
}

export async function connectMongo(uri: string, dbName: string, options: ConnectMongoOptions = {}): Promise<MongoHandle> {
  const client = new MongoClient(uri, mongoClientOptions(uri, options.client));
  // Before connect(), so that the guard sees the first server checks too.
  const health = guardMongoClient(client, options.guard);
  try {
    await client.connect();
  } catch (error) {
    health.stop();
    await client.close().catch(() => undefined);
    throw error;
  }
  return {
    client,
    db: client.db(dbName),
    health,
    close: async () => {
      health.stop();
      await client.close();
    },
  };
}

/** The defaults (and `extra`) minus every option the connection string sets itself. */
export function mongoClientOptions(uri: string, extra: MongoClientOptions = {}): MongoClientOptions {
  const inUri = new Set([...new URLSearchParams(uri.split('?')[1] ?? '').keys()].map((key) => key.toLowerCase()));
  const merged: Record<string, unknown> = { appName: 'personio-payroll-sync', ...MONGO_CLIENT_DEFAULTS, ...extra };
  return Object.fromEntries(Object.entries(merged).filter(([key]) => !inUri.has(key.toLowerCase()))) as MongoClientOptions;
}
