// FerretDB on SQLite, the local MongoDB-wire server: one server on a fixed port and data directory that can be
// stopped and started again on both (the stack starts it once; the drill and a test restart it).
import { MongoClient } from 'mongodb';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { startManagedProcess, waitUntilReady, type ManagedProcess } from './managed-process.js';
import { ensureTool } from './tools.js';

/** One quick ping: the readiness check of a MongoDB-wire server. */
export async function mongoAnswers(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } finally {
    await client.close();
  }
}

export interface FerretDbServer {
  readonly uri: string;
  /** The running process; undefined while stopped. */
  readonly process: ManagedProcess | undefined;
  /** Starts the server and resolves once it answers a ping. */
  start(): Promise<void>;
  /** SIGTERM (SIGKILL after the grace period), or with `kill` SIGKILL at once: every connection closes abruptly. */
  stop(opts?: { kill?: boolean }): Promise<void>;
}

export function ferretDbServer(opts: { sqliteDir: string; port: number; logFile: string }): FerretDbServer {
  const uri = `mongodb://127.0.0.1:${opts.port}/`;
  let proc: ManagedProcess | undefined;
  return {
    uri,
    get process() {
      return proc;
    },
    async start() {
      mkdirSync(opts.sqliteDir, { recursive: true });
      mkdirSync(dirname(opts.logFile), { recursive: true });
      const args = [
        '--handler=sqlite',
        `--sqlite-url=file:${opts.sqliteDir}/`,
        `--state-dir=${opts.sqliteDir}`,
        `--listen-addr=127.0.0.1:${opts.port}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ];
      proc = startManagedProcess('ferretdb', ensureTool('ferretdb'), args, opts.logFile);
      await waitUntilReady('FerretDB', () => mongoAnswers(uri), { timeoutMs: 30_000, process: proc });
    },
    async stop({ kill = false } = {}) {
      const running = proc;
      proc = undefined;
      if (!running) return;
      if (kill) {
        try {
          process.kill(running.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await running.exited;
      }
      await running.stop();
    },
  };
}
