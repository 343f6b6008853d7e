// Repairs a server monitor the MongoDB driver leaves stuck after its server closed every connection at once.
//
// Driver bug (mongodb 7.9.0, pinned: this module reads driver internals): a socket destroyed just before its
// 'close' event makes `write()` return false with no error, and the driver waits for a 'drain' that never comes.
// When that is the server monitor's `hello` (FerretDB: poll mode), the monitor never checks the server again and
// every operation fails server selection until the process restarts; no client option avoids it (reproduced in
// test/db/mongo-recovery.test.ts). The guard restarts such a monitor (internal `topology`, feature-detected) and
// reports an operation hung on a pool connection, for the worker's watchdog (mongo-watchdog.ts) to restart the
// process. If a driver release fixes the bug, the recovery test's "without the repair" case fails: remove this.
import type { MongoClient, MongoClientEvents, TopologyDescription } from 'mongodb';

export type MongoGuardEvent =
  | { kind: 'monitor-stalled'; address: string; checkRunningMs: number; restarted: boolean }
  | { kind: 'monitor-recovered'; address: string; unusableMs: number }
  | { kind: 'operation-hung'; address: string; connectionId: number; checkedOutMs: number };

export interface MongoGuardOptions {
  /** Restart a stuck server monitor in-process (default true); false only reports it. */
  repair?: boolean;
  /** Added to the driver's own bound for a server check before it counts as stuck. Default 3,000 ms. */
  stallGraceMs?: number;
  /** An operation whose connection is checked out this long is hung. Default max(2 × socketTimeoutMS, 60 s), off without a socket timeout; 0 disables. */
  hungOperationMs?: number;
  /** How often the guard looks. Default 1,000 ms. */
  tickMs?: number;
}

export interface MongoHealth {
  /** Since when (epoch ms) no server can take writes; undefined while one can. */
  unusableSince(): number | undefined;
  /** Stuck monitors found, how many of them were restarted, and hung operations found. */
  stats(): { monitorStalls: number; monitorRestarts: number; hungOperations: number };
  onEvent(listener: (event: MongoGuardEvent) => void): () => void;
  stop(): void;
}

const guards = new WeakMap<MongoClient, MongoHealth>();

/** The guard of a client built by connectMongo (e.g. from `deps.db.client`). */
export function mongoHealthOf(client: MongoClient): MongoHealth | undefined {
  return guards.get(client);
}

const WRITABLE_SERVER_TYPES = new Set(['Standalone', 'RSPrimary', 'Mongos', 'LoadBalancer']);
const canWrite = (description: TopologyDescription) => [...description.servers.values()].some((server) => WRITABLE_SERVER_TYPES.has(server.type));

/** The driver's internals the repair needs (mongodb 6.x/7.x); every step is checked before use. */
interface DriverInternals {
  topology?: { s?: { servers?: Map<string, { monitor?: { close?: unknown; connect?: unknown; connection?: { closed?: unknown } | null } | null }> } };
}

const monitorOf = (client: MongoClient, address: string) => (client as unknown as DriverInternals).topology?.s?.servers?.get(address)?.monitor;

/** The check runs on a connection that is already closed: it can only be the stuck write (a closed connection fails a read at once). */
function checkOnClosedConnection(client: MongoClient, address: string): boolean {
  return monitorOf(client, address)?.connection?.closed === true;
}

function restartMonitor(client: MongoClient, address: string): boolean {
  const monitor = monitorOf(client, address);
  if (!monitor || typeof monitor.close !== 'function' || typeof monitor.connect !== 'function') return false;
  // close() stops the interval, cancels pending connects and drops the connection; connect() starts a fresh
  // interval with an immediate check. The stuck promise waits for an event that never comes, so it stays inert.
  (monitor.close as () => void).call(monitor);
  (monitor.connect as () => void).call(monitor);
  return true;
}

export function guardMongoClient(client: MongoClient, options: MongoGuardOptions = {}): MongoHealth {
  const existing = guards.get(client);
  if (existing) return existing;
  const repair = options.repair ?? true;
  const graceMs = options.stallGraceMs ?? 3_000;
  const tickMs = options.tickMs ?? 1_000;
  const connectTimeoutMS = client.options.connectTimeoutMS || 30_000;
  const heartbeatFrequencyMS = client.options.heartbeatFrequencyMS || 10_000;
  const socketTimeoutMS = client.options.socketTimeoutMS ?? 0;
  // Without a socket timeout nothing bounds a legitimate operation, so nothing counts as hung.
  const hungOperationMs = options.hungOperationMs ?? (socketTimeoutMS > 0 ? Math.max(2 * socketTimeoutMS, 60_000) : 0);

  /** A poll-mode check may connect (connectTimeoutMS) and then handshake (connectTimeoutMS again); a streaming one awaits up to heartbeatFrequencyMS. */
  const checkBoundMs = (awaited: boolean) => (awaited ? connectTimeoutMS + heartbeatFrequencyMS : 2 * connectTimeoutMS) + graceMs;
  const checks = new Map<string, { startedAt: number; awaited: boolean; reported: boolean; closedTicks: number }>();
  const checkedOut = new Map<string, { since: number; address: string; connectionId: number; reported: boolean }>();
  let unusableSince: number | undefined = Date.now();
  let monitorStalls = 0;
  let monitorRestarts = 0;
  let hungOperations = 0;
  const listeners = new Set<(event: MongoGuardEvent) => void>();
  const emit = (event: MongoGuardEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure is not the guard's
      }
    }
  };

  const onStarted = (e: { connectionId: string; awaited: boolean }) => checks.set(e.connectionId, { startedAt: Date.now(), awaited: e.awaited, reported: false, closedTicks: 0 });
  const onEnded = (e: { connectionId: string }) => checks.delete(e.connectionId);
  /** A stall was found while no server was usable: say when the client can write again. */
  let stalledInOutage = false;
  const onTopology = (e: { newDescription: TopologyDescription }) => {
    if (canWrite(e.newDescription)) {
      if (unusableSince !== undefined && stalledInOutage) {
        const address = [...e.newDescription.servers.values()].find((s) => WRITABLE_SERVER_TYPES.has(s.type))?.address ?? '';
        emit({ kind: 'monitor-recovered', address, unusableMs: Date.now() - unusableSince });
      }
      unusableSince = undefined;
      stalledInOutage = false;
    } else {
      unusableSince ??= Date.now();
    }
  };
  const key = (e: { address: string; connectionId: number | '<monitor>' }) => `${e.address}#${e.connectionId}`;
  const onCheckedOut = (e: { address: string; connectionId: number | '<monitor>' }) => {
    if (typeof e.connectionId === 'number') checkedOut.set(key(e), { since: Date.now(), address: e.address, connectionId: e.connectionId, reported: false });
  };
  const onCheckedIn = (e: { address: string; connectionId: number | '<monitor>' }) => checkedOut.delete(key(e));
  const onPoolClosed = (e: { address: string }) => {
    for (const [k, v] of checkedOut) if (v.address === e.address) checkedOut.delete(k);
  };
  // A server that left the topology (or a closed client) has no monitor to wait for.
  const onServerClosed = (e: { address: string }) => checks.delete(e.address);
  const onTopologyClosed = () => {
    checks.clear();
    checkedOut.clear();
  };

  /** Subscribes to one driver event and returns its unsubscribe. */
  const listen = <E extends keyof MongoClientEvents>(event: E, listener: MongoClientEvents[E]) => {
    client.on(event, listener);
    return () => void client.off(event, listener);
  };
  const unsubscribes = [
    listen('serverHeartbeatStarted', onStarted),
    listen('serverHeartbeatSucceeded', onEnded),
    listen('serverHeartbeatFailed', onEnded),
    listen('topologyDescriptionChanged', onTopology),
    listen('connectionCheckedOut', onCheckedOut),
    listen('connectionCheckedIn', onCheckedIn),
    listen('connectionPoolClosed', onPoolClosed),
    listen('serverClosed', onServerClosed),
    listen('topologyClosed', onTopologyClosed),
  ];

  let lastTick = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    // A blocked event loop (CPU-bound work, a paused process) delays the driver's timers as much as ours:
    // time it did not run does not count against a check.
    const lag = now - lastTick - tickMs;
    lastTick = now;
    if (lag > 1_000) {
      for (const check of checks.values()) check.startedAt += lag;
      for (const out of checkedOut.values()) out.since += lag;
      return;
    }
    for (const [address, check] of checks) {
      const runningMs = now - check.startedAt;
      if (check.reported) continue;
      // Fast path (driver internals, when present): the check sits on a closed connection for two looks in a
      // row. Slow path (public events only): the check outlived the driver's own bound for it.
      check.closedTicks = checkOnClosedConnection(client, address) ? check.closedTicks + 1 : 0;
      if (check.closedTicks < 2 && runningMs <= checkBoundMs(check.awaited)) continue;
      monitorStalls++;
      if (unusableSince !== undefined) stalledInOutage = true;
      const restarted = repair && restartMonitor(client, address);
      if (restarted) {
        monitorRestarts++;
        checks.delete(address);
      } else {
        check.reported = true;
      }
      emit({ kind: 'monitor-stalled', address, checkRunningMs: runningMs, restarted });
    }
    if (hungOperationMs > 0) {
      for (const out of checkedOut.values()) {
        const outMs = now - out.since;
        if (out.reported || outMs <= hungOperationMs) continue;
        out.reported = true;
        hungOperations++;
        emit({ kind: 'operation-hung', address: out.address, connectionId: out.connectionId, checkedOutMs: outMs });
      }
    }
  }, tickMs);
  timer.unref();

  const health: MongoHealth = {
    unusableSince: () => unusableSince,
    stats: () => ({ monitorStalls, monitorRestarts, hungOperations }),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      clearInterval(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
      listeners.clear();
      guards.delete(client);
    },
  };
  guards.set(client, health);
  return health;
}
