// The MongoDB client from db/mongo.ts against a FerretDB this file starts, kills and restarts itself:
// it answers again within seconds after its server restarts (also when the driver's server monitor got stuck,
// see db/mongo.ts), an operation the server never answers fails within the socket timeout, and the worker's
// watchdog gives up on a client that cannot recover while the server answers others.
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../dev/free-port.js';
import { ferretDbServer, mongoAnswers, type FerretDbServer } from '../../dev/ferretdb.js';
import type { MongoGuardEvent } from '../../db/mongo-guard.js';
import { connectMongo, mongoClientOptions, type MongoHandle } from '../../db/mongo.js';
import { silentLogger } from '../../observability/logger.js';
import { EXIT_MONGO_WEDGED, superviseMongoClient } from '../../db/mongo-supervision.js';


/** A TCP proxy to FerretDB that swallows the answers on any connection that carried `marker`: a server that accepts a command and never answers. */
async function silentProxy(targetPort: number, marker: string): Promise<{ uri: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const needle = Buffer.from(marker);
  const server: Server = createServer((client) => {
    const upstream = netConnect(targetPort, '127.0.0.1');
    let silenced = false;
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (chunk.includes(needle)) silenced = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!silenced) client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The driver's internals this file reaches into to reproduce the stuck monitor deterministically. */
interface MonitorInternals {
  s: { state: string };
  connection: { closed: boolean; socket: Socket } | null;
}
interface ServerInternals {
  monitor: MonitorInternals;
  requestCheck(): void;
}
const serverOf = (client: MongoClient) => {
  const servers = (client as unknown as { topology?: { s: { servers: Map<string, ServerInternals> } } }).topology?.s.servers;
  const server = servers ? [...servers.values()][0] : undefined;
  if (!server) throw new Error('no server in the topology');
  return server;
};

/** Waits until the monitor would start a requested check at once: idle, with a connection, ≥ 500 ms after its last check. */
async function monitorIdle(client: MongoClient): Promise<void> {
  const monitor = serverOf(client).monitor;
  const deadline = Date.now() + 5_000;
  while (!(monitor.s.state === 'idle' && monitor.connection && !monitor.connection.closed)) {
    if (Date.now() > deadline) throw new Error(`monitor not idle: ${monitor.s.state}`);
    await sleep(50);
  }
  await sleep(700);
}

/**
 * Puts the client's server monitor in the state the drills ended in: its socket destroyed a moment before
 * the 'close' event (as when the server closes all connections), and a check requested in that moment. The
 * monitor writes its `hello` into the destroyed socket, `write()` returns false without an error, and the
 * driver waits for a 'drain' that never comes.
 */
function wedgeMonitor(client: MongoClient): void {
  const server = serverOf(client);
  const connection = server.monitor.connection;
  if (!connection || server.monitor.s.state !== 'idle') throw new Error('monitor not idle');
  connection.socket.destroy();
  server.requestCheck();
  expect(server.monitor.s.state).toBe('monitoring');
}

/** Milliseconds until `findOne` through the client succeeds again. */
async function msUntilAnswers(db: MongoHandle['db'], limitMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    try {
      await db.collection('probe').findOne({}, { maxTimeMS: 1_000 });
      return Date.now() - start;
    } catch (error) {
      if (Date.now() - start > limitMs) throw error;
      await sleep(25);
    }
  }
}

// Short driver timeouts keep the file at seconds; production defaults are in MONGO_CLIENT_DEFAULTS.
const fast = { connectTimeoutMS: 1_000, serverSelectionTimeoutMS: 2_000 } as const;
const fastGuard = { tickMs: 200, stallGraceMs: 500 } as const;

/** FerretDB on a fixed port and data dir, so that it can be killed and started again like a restarted server. */
let ferretDir: string;
let ferretPort: number;
let ferret: FerretDbServer;
const handles: MongoHandle[] = [];
const open = async (...args: Parameters<typeof connectMongo>) => {
  const handle = await connectMongo(...args);
  handles.push(handle);
  return handle;
};

beforeAll(async () => {
  ferretDir = mkdtempSync(join(tmpdir(), 'mongo-recovery-'));
  ferretPort = await freePort();
  ferret = ferretDbServer({ sqliteDir: join(ferretDir, 'data'), port: ferretPort, logFile: join(ferretDir, 'ferretdb.log') });
  await ferret.start();
});
afterAll(async () => {
  for (const handle of handles) await handle.close().catch(() => undefined);
  await ferret?.stop();
  if (ferretDir) rmSync(ferretDir, { recursive: true, force: true });
});

describe('MongoDB client (db/mongo.ts)', () => {
  it('sets timeouts that bound every wait, and lets the connection string override them', () => {
    expect(mongoClientOptions('mongodb://db:27017/')).toMatchObject({ serverSelectionTimeoutMS: 10_000, connectTimeoutMS: 5_000, socketTimeoutMS: 60_000 });
    const overridden = mongoClientOptions('mongodb://a:1,b:2/?replicaSet=rs0&SocketTimeoutMS=120000');
    expect(overridden).not.toHaveProperty('socketTimeoutMS');
    expect(overridden).toMatchObject({ connectTimeoutMS: 5_000 });
  });

  it('an operation the server accepts and never answers fails within the socket timeout instead of hanging', async () => {
    const proxy = await silentProxy(ferretPort, 'never_answered');
    try {
      const bounded = await open(proxy.uri, 'recovery', { client: { ...fast, socketTimeoutMS: 1_000 } });
      const unbounded = await open(proxy.uri, 'recovery', { client: { ...fast, socketTimeoutMS: 0 } });
      await bounded.db.collection('answered').insertOne({ ok: 1 });

      const started = Date.now();
      const failure = await bounded.db.collection('never_answered').findOne({}).then(
        () => undefined,
        (error: unknown) => error,
      );
      // One attempt and the driver's one retry, each ended by the 1 s socket timeout.
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).name).toBe('MongoNetworkTimeoutError');
      expect(Date.now() - started).toBeLessThan(5_000);
      // The client is still fine for everything else.
      await expect(bounded.db.collection('answered').countDocuments()).resolves.toBe(1);

      // Without a socket timeout (the old client) the same call is still waiting.
      let settled = false;
      void unbounded.db
        .collection('never_answered')
        .findOne({})
        .finally(() => (settled = true))
        .catch(() => undefined);
      await sleep(3_000);
      expect(settled).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('a stuck server monitor is restarted: the client answers again within seconds after its server restarts', async () => {
    const events: MongoGuardEvent[] = [];
    const guarded = await open(ferret.uri, 'recovery', { client: fast, guard: fastGuard });
    guarded.health.onEvent((event) => events.push(event));
    // The same client without the repair: the driver as it is.
    const bare = await open(ferret.uri, 'recovery', { client: fast, guard: { ...fastGuard, repair: false } });
    const exits: number[] = [];
    const supervision = superviseMongoClient({ client: bare.client, uri: ferret.uri, logger: silentLogger, wedgedExitMs: 1_000, watchEveryMs: 250, exit: (code) => exits.push(code) });
    try {
      await guarded.db.collection('probe').insertOne({ at: new Date() });
      await Promise.all([monitorIdle(guarded.client), monitorIdle(bare.client)]);
      // As in the drills: writes in flight when the server goes away (their "connection N closed" marks the
      // server Unknown), and the monitor caught in the moment its own connection closes.
      const big = () => Array.from({ length: 20_000 }, (_, i) => ({ i, pad: 'x'.repeat(200) }));
      const inFlight = [guarded, bare].map((h) => h.db.collection('bulk').insertMany(big()).catch((error: unknown) => error));
      // Sent (a few MB on localhost) and still being inserted by FerretDB (~0.5 s).
      await sleep(250);
      wedgeMonitor(guarded.client);
      wedgeMonitor(bare.client);
      await ferret.stop({ kill: true }); // every connection closes at once, as in a crash
      expect((await Promise.all(inFlight)).every((r) => r instanceof Error)).toBe(true);
      await ferret.start();
      const back = Date.now();

      // The guarded client: its monitor was restarted, and it answers at once.
      expect(await msUntilAnswers(guarded.db, 8_000)).toBeLessThan(5_000);
      expect(events.some((e) => e.kind === 'monitor-stalled' && e.restarted)).toBe(true);
      expect(guarded.health.stats().monitorRestarts).toBeGreaterThanOrEqual(1);

      // The bare client never selects the server again, although the server answers a fresh client...
      const failure = await bare.db.collection('probe').findOne({}).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect((failure as Error | undefined)?.name).toBe('MongoServerSelectionError');
      expect(await mongoAnswers(ferret.uri)).toBe(true);
      expect(bare.health.stats()).toMatchObject({ monitorStalls: 1, monitorRestarts: 0 });
      // ...so the worker's watchdog exits (its supervisor starts a new worker).
      while (exits.length === 0 && Date.now() - back < 10_000) await sleep(100);
      expect(exits).toEqual([EXIT_MONGO_WEDGED]);
    } finally {
      supervision.stop();
    }
  });

  it('under load, answers again within seconds after each of several server restarts', { timeout: 60_000 }, async () => {
    const events: MongoGuardEvent[] = [];
    const handle = await open(ferret.uri, 'recovery', { client: fast, guard: fastGuard });
    handle.health.onEvent((event) => events.push(event));
    const exits: number[] = [];
    const supervision = superviseMongoClient({ client: handle.client, uri: ferret.uri, logger: silentLogger, wedgedExitMs: 3_000, watchEveryMs: 250, exit: (code) => exits.push(code) });
    // Four "activities" in flight, as in the worker: inserts, _id lookups, a cursor read while writing.
    let running = true;
    let seq = 0;
    const ledger = handle.db.collection<{ _id: string; pad: string }>('ledger');
    const load = Array.from({ length: 4 }, async (_, n) => {
      while (running) {
        const id = `${n}:${seq++}`;
        await ledger.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: `${id}:${i}`, pad: 'x'.repeat(200) }))).catch(() => undefined);
        await ledger.findOne({ _id: `${id}:3` }).catch(() => undefined);
        await (async () => {
          let i = 0;
          for await (const doc of ledger.find({}, { batchSize: 50 }).limit(200)) {
            if (++i % 50 === 0) await handle.db.collection('results').insertOne({ ref: doc._id });
          }
        })().catch(() => undefined);
      }
    });
    try {
      for (let restart = 0; restart < 4; restart++) {
        await sleep(700);
        await ferret.stop({ kill: true }); // every connection closes at once, as in a crash
        await ferret.start();
        expect(await msUntilAnswers(handle.db, 8_000)).toBeLessThan(5_000);
      }
      expect(exits).toEqual([]);
      expect(events.filter((e) => e.kind === 'operation-hung')).toEqual([]);
    } finally {
      running = false;
      await Promise.all(load);
      supervision.stop();
    }
  });
});
