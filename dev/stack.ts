// The local stack on real services, shared by `npm run dev` and the vitest global setup:
// Temporal dev server, FerretDB on SQLite, an SMTP catcher and the Personio sandbox.
// A service whose address is already configured (TEMPORAL_ADDRESS, MONGODB_URI, SMTP_URL,
// PERSONIO_BASE_URL) is used as it is instead of being started.
import { Connection } from '@temporalio/client';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ferretDbServer } from './ferretdb.js';
import { freePort } from './free-port.js';
import { startMailCatcher } from './mail-catcher.js';
import { startManagedProcess, waitUntilReady, type ManagedProcess } from './managed-process.js';
import { ensureTool } from './tools.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.js';

/** How `temporal server start-dev --search-attribute` spells the types our search attributes use. */
const DEV_SERVER_TYPE_NAMES: Record<(typeof CUSTOM_SEARCH_ATTRIBUTES)[number]['type'], string> = {
  KEYWORD: 'Keyword',
  BOOL: 'Bool',
};


export interface PersonioSlot {
  start(opts: { dataDir: string; mode: StackMode }): Promise<{ baseUrl: string; stop(): Promise<void> }>;
}

export type StackMode = 'dev' | 'test';

export interface StackOptions {
  mode: StackMode;
  /** Where service data and logs go: a temp dir for tests, a persistent data dir for dev. */
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  personio?: PersonioSlot;
  log?: (line: string) => void;
}

export interface StackEndpoints {
  temporalAddress: string;
  temporalNamespace: string;
  temporalUiUrl?: string;
  mongoUri: string;
  smtpUrl: string;
  mailWebUrl?: string;
  mailDir?: string;
  personioBaseUrl?: string;
}

export interface RunningStack extends StackEndpoints {
  /** PIDs of the processes this stack started (for the no-orphans check). */
  pids: number[];
  logDir: string;
  stop(): Promise<void>;
}

async function startTemporal(mode: StackMode, dataDir: string, logDir: string) {
  const binary = ensureTool('temporal');
  const [port, httpPort, metricsPort, uiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--http-port', String(httpPort), '--metrics-port', String(metricsPort), '--log-level', 'error'];
  for (const key of CUSTOM_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${DEV_SERVER_TYPE_NAMES[key.type]}`);
  if (mode === 'dev') args.push('--db-filename', join(dataDir, 'temporal.sqlite'), '--ui-port', String(uiPort));
  else args.push('--headless');
  const proc = startManagedProcess('temporal', binary, args, join(logDir, 'temporal.log'));
  const address = `127.0.0.1:${port}`;
  await waitUntilReady(
    'Temporal dev server',
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return true;
      } finally {
        await connection.close();
      }
    },
    { timeoutMs: 60_000, process: proc },
  );
  return { proc, address, uiUrl: mode === 'dev' ? `http://127.0.0.1:${uiPort}` : undefined };
}

async function startFerretDb(dataDir: string, logDir: string) {
  const server = ferretDbServer({ sqliteDir: join(dataDir, 'ferretdb'), port: await freePort(), logFile: join(logDir, 'ferretdb.log') });
  await server.start();
  return { proc: server.process as ManagedProcess, uri: server.uri };
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const logDir = join(options.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const processes: ManagedProcess[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.allSettled(stoppers.reverse().map((s) => s()));
    await Promise.allSettled(processes.map((p) => p.stop()));
  };
  try {
    const [temporal, mongo, mail, personio] = await Promise.all([
      env.TEMPORAL_ADDRESS
        ? Promise.resolve({ address: env.TEMPORAL_ADDRESS, uiUrl: env.TEMPORAL_UI_URL, proc: undefined })
        : startTemporal(options.mode, options.dataDir, logDir).then((t) => (processes.push(t.proc), t)),
      env.MONGODB_URI
        ? Promise.resolve({ uri: env.MONGODB_URI, proc: undefined })
        : startFerretDb(options.dataDir, logDir).then((f) => (processes.push(f.proc), f)),
      env.SMTP_URL
        ? Promise.resolve(undefined)
        : Promise.all([freePort(), freePort()]).then(([smtpPort, webPort]) =>
            startMailCatcher({ mailDir: join(options.dataDir, 'mail'), smtpPort, webPort }).then((m) => (stoppers.push(m.stop), m)),
          ),
      env.PERSONIO_BASE_URL || !options.personio
        ? Promise.resolve(undefined)
        : options.personio.start({ dataDir: options.dataDir, mode: options.mode }).then((p) => (stoppers.push(p.stop), p)),
    ]);
    const stack: RunningStack = {
      temporalAddress: temporal.address,
      temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
      temporalUiUrl: temporal.uiUrl,
      mongoUri: mongo.uri,
      smtpUrl: env.SMTP_URL ?? mail?.smtpUrl ?? '',
      mailWebUrl: mail?.webUrl,
      mailDir: mail?.mailDir,
      personioBaseUrl: env.PERSONIO_BASE_URL ?? personio?.baseUrl,
      pids: processes.map((p) => p.pid),
      logDir,
      stop,
    };
    log(`[stack] Temporal ${stack.temporalAddress}${stack.temporalUiUrl ? ` (Web UI ${stack.temporalUiUrl})` : ''}`);
    log(`[stack] MongoDB ${stack.mongoUri}`);
    log(`[stack] SMTP ${stack.smtpUrl}${stack.mailWebUrl ? ` (caught mail ${stack.mailWebUrl})` : ''}`);
    if (stack.personioBaseUrl) log(`[stack] Personio ${stack.personioBaseUrl}`);
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Stops the stack once on exit, Ctrl-C or SIGTERM. */
export function stopOnExit(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
