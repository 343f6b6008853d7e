// Helpers of the sandbox's own tests: raw HTTP against a sandbox on a free port.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  createSandboxAdmin,
  startSandbox,
  type RunningSandbox,
  type SandboxAdmin,
  type SandboxPersonalityInput,
} from '../../sandbox/index.js';

export const PERSONS_READ = 'personio:persons:read';
export const COMP_READ = 'personio:compensations:read';
export const COMP_WRITE = 'personio:compensations:write';
export const ALL_SCOPES = [PERSONS_READ, COMP_READ, COMP_WRITE];

export interface TestSandbox {
  running: RunningSandbox;
  url: string;
  admin: SandboxAdmin;
  /** The sandbox clock: tests may move it. */
  clock: { now: Date };
}

/** Where the sandbox clock starts (and, with useTestSandbox, stands again before each test). */
export const CLOCK_START = '2025-03-15T10:00:00Z';

export interface TestSandboxOptions {
  dataFile?: string;
  /** The sandbox follows `clock.now` (see advanceClock). */
  clock?: boolean;
  /** The personality the sandbox is started with (and a reset brings back). */
  personality?: SandboxPersonalityInput;
}

export async function startTestSandbox(opts: TestSandboxOptions = {}): Promise<TestSandbox> {
  const clock = { now: new Date(CLOCK_START) };
  const running = await startSandbox({
    port: 0,
    ...(opts.dataFile ? { dataFile: opts.dataFile } : {}),
    ...(opts.clock ? { now: () => new Date(clock.now) } : {}),
    ...(opts.personality ? { personality: opts.personality } : {}),
  });
  return { running, url: running.url, admin: createSandboxAdmin(running.url), clock };
}

/**
 * One sandbox for the tests of a file: started before all of them, closed after, and before each one reset (data,
 * tokens, faults, limits, request log, personality) with its clock back at CLOCK_START. Call at the top level of the test file;
 * the returned handle is usable from the hooks and tests on (it throws before the sandbox is started).
 */
export function useTestSandbox(opts: Omit<TestSandboxOptions, 'dataFile'> = {}): TestSandbox {
  let current: TestSandbox | undefined;
  const started = (): TestSandbox => {
    if (!current) throw new Error('the test sandbox is not running: use it inside hooks and tests');
    return current;
  };
  beforeAll(async () => {
    current = await startTestSandbox(opts);
  });
  afterAll(async () => {
    await current?.running.close();
    current = undefined;
  });
  beforeEach(async () => {
    const sb = started();
    await sb.admin.reset();
    sb.clock.now = new Date(CLOCK_START);
  });
  return {
    get running() {
      return started().running;
    },
    get url() {
      return started().url;
    },
    get admin() {
      return started().admin;
    },
    get clock() {
      return started().clock;
    },
  };
}

/** Moves the sandbox clock on (only a sandbox started with `clock: true` follows it). */
export function advanceClock(sb: TestSandbox, ms: number): void {
  sb.clock.now = new Date(sb.clock.now.getTime() + ms);
}

export interface Reply {
  status: number;
  contentType: string;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export async function http(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers: res.headers, body, text };
}

export function tokenRequest(url: string, fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded') {
  const body = contentType === 'application/json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
  return http(`${url}/v2/auth/token`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

export async function token(sb: TestSandbox, clientId: string, clientSecret: string, scope?: string): Promise<string> {
  const res = await tokenRequest(sb.url, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    ...(scope ? { scope } : {}),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

/** A credential with these scopes and a token for it. */
export async function credentialWithToken(
  sb: TestSandbox,
  clientId: string,
  scopes: string[] = ALL_SCOPES,
  readableAttributes?: string[],
): Promise<string> {
  await sb.admin.setCredentials({ clientId, clientSecret: `${clientId}-secret`, scopes, ...(readableAttributes ? { readableAttributes } : {}) });
  return token(sb, clientId, `${clientId}-secret`);
}

export function get(sb: TestSandbox, pathAndQuery: string, accessToken?: string, headers: Record<string, string> = {}) {
  const url = pathAndQuery.startsWith('http') ? pathAndQuery : `${sb.url}${pathAndQuery}`;
  return http(url, { headers: { ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}), ...headers } });
}

export function postJson(sb: TestSandbox, path: string, body: unknown, accessToken?: string) {
  return http(`${sb.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
    body: JSON.stringify(body),
  });
}

/** Asserts the v2 error envelope and returns its details. */
export function envelopeDetails(reply: Reply): string[] {
  if (!reply.contentType.startsWith('application/problem+json')) throw new Error(`not a problem+json reply: ${reply.contentType}`);
  const b = reply.body as { personio_trace_id?: unknown; timestamp?: unknown; errors?: { title: string; detail: string; type: string; _meta: unknown }[] };
  if (typeof b.personio_trace_id !== 'string' || typeof b.timestamp !== 'string' || !Array.isArray(b.errors) || b.errors.length === 0) {
    throw new Error(`not a v2 error envelope: ${reply.text}`);
  }
  for (const e of b.errors) {
    if (typeof e.title !== 'string' || typeof e.detail !== 'string' || !e.type.startsWith('https://developer.personio.de/reference/errors#') || typeof e._meta !== 'object') {
      throw new Error(`malformed error item: ${JSON.stringify(e)}`);
    }
  }
  return b.errors.map((e) => e.detail);
}
