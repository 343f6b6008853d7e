// The sandbox's request log, collected from the in-process sandbox while a run goes on (the log keeps only
// its last 10,000 entries, and /__admin/requests would serialize all of them on every read), and the
// request figures derived from it.
import type { RequestLogEntry, RunningSandbox } from '../../sandbox/index.js';

export const TOKEN_PATH = '/v2/auth/token';

export class RequestCollector {
  private readonly collected: RequestLogEntry[] = [];
  private lastSeq: number;
  private timer: NodeJS.Timeout | undefined;
  /** Requests that left the sandbox's log before they were read (should stay 0). */
  lost = 0;

  constructor(private readonly sandbox: RunningSandbox) {
    this.lastSeq = this.latestSeq();
  }

  private latestSeq(): number {
    const log = this.sandbox.sandbox.state.requests;
    return log.length > 0 ? (log[log.length - 1] as RequestLogEntry).seq : 0;
  }

  /** Starts afresh from the current end of the log (call after a sandbox reset too). */
  start(intervalMs = 250): this {
    this.collected.length = 0;
    this.lost = 0;
    this.lastSeq = this.sandbox.sandbox.state.requests.length > 0 ? this.latestSeq() : 0;
    this.timer = setInterval(() => this.poll(), intervalMs);
    this.timer.unref();
    return this;
  }

  poll(): void {
    const log = this.sandbox.sandbox.state.requests;
    let i = log.length;
    while (i > 0 && (log[i - 1] as RequestLogEntry).seq > this.lastSeq) i--;
    if (i === 0 && log.length > 0 && (log[0] as RequestLogEntry).seq > this.lastSeq + 1) this.lost += (log[0] as RequestLogEntry).seq - this.lastSeq - 1;
    for (let k = i; k < log.length; k++) this.collected.push(log[k] as RequestLogEntry);
    if (log.length > 0) this.lastSeq = Math.max(this.lastSeq, (log[log.length - 1] as RequestLogEntry).seq);
  }

  /** Everything collected so far (polls once more first). */
  entries(): RequestLogEntry[] {
    this.poll();
    return [...this.collected];
  }

  stop(): RequestLogEntry[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.entries();
  }
}

export interface RequestFigures {
  total: number;
  token: number;
  /** Resource POSTs (compensations and compensation types). */
  writes: number;
  compensationPosts: number;
  typePosts: number;
  /** Resource GETs (persons, compensation types, compensations). */
  reads: number;
  personReads: number;
  typeReads: number;
  compensationReads: number;
  status429: number;
  status5xx: number;
  dropped: number;
}

export function requestFigures(log: RequestLogEntry[]): RequestFigures {
  const is = (method: string, path: string) => (r: RequestLogEntry) => r.method === method && r.path === path;
  const count = (f: (r: RequestLogEntry) => boolean) => log.filter(f).length;
  const resource = log.filter((r) => r.path !== TOKEN_PATH);
  return {
    total: log.length,
    token: count((r) => r.path === TOKEN_PATH),
    writes: resource.filter((r) => r.method === 'POST').length,
    compensationPosts: count(is('POST', '/v2/compensations')),
    typePosts: count(is('POST', '/v2/compensations/types')),
    reads: resource.filter((r) => r.method === 'GET').length,
    personReads: count(is('GET', '/v2/persons')),
    typeReads: count(is('GET', '/v2/compensations/types')),
    compensationReads: count(is('GET', '/v2/compensations')),
    status429: count((r) => r.status === 429),
    status5xx: count((r) => r.status >= 500),
    dropped: count((r) => r.dropped === true),
  };
}

export interface RatePacing {
  limitPerMinute: number;
  /** Resource requests (429s included) between the first and the last one. */
  requests: number;
  answered429: number;
  /** Requests the sandbox let through. */
  accepted: number;
  spanSeconds: number;
  /** Accepted resource requests per minute over the span of the requests. */
  acceptedPerMinute: number;
  /** acceptedPerMinute / limit. */
  shareOfLimit: number;
  /** The most accepted requests in any sliding 60 s window (the sandbox's own rule; ≤ limit). */
  maxInAnyMinute: number;
  share429: number;
  /** Seconds after the first request at which 429s were answered. */
  times429: number[];
}

/** How close a run came to a per-credential limit, from the resource requests of that credential. */
export function ratePacing(log: RequestLogEntry[], limitPerMinute: number): RatePacing {
  const resource = log.filter((r) => r.path !== TOKEN_PATH).sort((a, b) => a.receivedAtMs - b.receivedAtMs);
  const accepted = resource.filter((r) => r.status !== 429);
  const first = resource[0]?.receivedAtMs ?? 0;
  const last = resource[resource.length - 1]?.receivedAtMs ?? 0;
  const spanSeconds = Math.max(0.001, (last - first) / 1000);
  let maxInAnyMinute = 0;
  for (let i = 0, j = 0; j < accepted.length; j++) {
    while ((accepted[j] as RequestLogEntry).receivedAtMs - (accepted[i] as RequestLogEntry).receivedAtMs >= 60_000) i++;
    maxInAnyMinute = Math.max(maxInAnyMinute, j - i + 1);
  }
  const acceptedPerMinute = (accepted.length / spanSeconds) * 60;
  const answered429 = resource.length - accepted.length;
  return {
    limitPerMinute,
    requests: resource.length,
    answered429,
    accepted: accepted.length,
    spanSeconds,
    acceptedPerMinute,
    shareOfLimit: acceptedPerMinute / limitPerMinute,
    maxInAnyMinute,
    share429: resource.length > 0 ? answered429 / resource.length : 0,
    times429: resource.filter((r) => r.status === 429).map((r) => (r.receivedAtMs - first) / 1000),
  };
}
