// Shared helpers of the Personio client tests: a real sandbox on a free port, a capturing logger.
import { startSandbox, createSandboxAdmin, type RunningSandbox, type SandboxAdmin, type RequestLogEntry } from '../../sandbox/index.js';
import type { PersonioLogger } from '../../personio/index.js';

export const PERSONS_READ = 'personio:persons:read';
export const COMP_READ = 'personio:compensations:read';
export const COMP_WRITE = 'personio:compensations:write';
export const ALL_SCOPES = [PERSONS_READ, COMP_READ, COMP_WRITE];

export interface LogLine {
  level: 'debug' | 'info' | 'warn';
  msg: string;
  fields?: Record<string, unknown>;
}

/** A logger that records its lines (and copies them into `sink`, e.g. a file-wide collection). */
export function captureLogger(sink?: LogLine[]): { logger: PersonioLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const push = (level: LogLine['level']) => (msg: string, fields?: Record<string, unknown>) => {
    const line: LogLine = fields === undefined ? { level, msg } : { level, msg, fields };
    lines.push(line);
    sink?.push(line);
  };
  return { logger: { debug: push('debug'), info: push('info'), warn: push('warn') }, lines };
}

export interface SandboxHandle {
  running: RunningSandbox;
  url: string;
  admin: SandboxAdmin;
}

export async function startTestSandbox(): Promise<SandboxHandle> {
  const running = await startSandbox({ port: 0 });
  return { running, url: running.url, admin: createSandboxAdmin(running.url) };
}

export function tokenRequests(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((r) => r.method === 'POST' && r.path === '/v2/auth/token');
}

/** Awaits a promise expected to reject and returns the rejection (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>, sink?: unknown[]): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    sink?.push(err);
    return err;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Polls until `check` returns a truthy value (no fixed sleeps), or fails after timeoutMs. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
