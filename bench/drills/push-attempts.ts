// Push attempts as the workers logged them ('push attempt started' / 'push attempt ended'): when each attempt of
// each chunk ran, on which worker, how it ended and when it posted — the evidence of overlapping attempts.
import { z } from 'zod';

export interface PushAttempt {
  chunkNo: number;
  attempt: number;
  /** 1-based worker number (the log it came from). */
  worker: number;
  startedAtMs: number;
  endedAtMs?: number;
  outcome?: string;
  posts?: number;
  firstPostAtMs?: number;
  lastPostAtMs?: number;
}

const lineSchema = z.object({
  time: z.string(),
  msg: z.enum(['push attempt started', 'push attempt ended']),
  syncId: z.string(),
  chunkNo: z.number(),
  attempt: z.number(),
  outcome: z.string().optional(),
  posts: z.number().optional(),
  firstPostAt: z.string().optional(),
  lastPostAt: z.string().optional(),
});

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : undefined);

/** The attempts of one sync, by chunk then attempt number. */
export function pushAttemptsOf(workerLogs: string[], syncId: string): PushAttempt[] {
  const byKey = new Map<string, PushAttempt>();
  workerLogs.forEach((text, i) => {
    for (const raw of text.split('\n')) {
      if (!raw.includes('"push attempt ')) continue;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        continue;
      }
      const parsed = lineSchema.safeParse(json);
      if (!parsed.success || parsed.data.syncId !== syncId) continue;
      const line = parsed.data;
      const key = `${line.chunkNo}:${line.attempt}`;
      const at = Date.parse(line.time);
      const attempt = byKey.get(key) ?? { chunkNo: line.chunkNo, attempt: line.attempt, worker: i + 1, startedAtMs: at };
      if (line.msg === 'push attempt ended') {
        attempt.endedAtMs = at;
        if (line.outcome !== undefined) attempt.outcome = line.outcome;
        if (line.posts !== undefined) attempt.posts = line.posts;
        const first = ms(line.firstPostAt);
        const last = ms(line.lastPostAt);
        if (first !== undefined) attempt.firstPostAtMs = first;
        if (last !== undefined) attempt.lastPostAtMs = last;
      } else {
        attempt.startedAtMs = at;
        attempt.worker = i + 1;
      }
      byKey.set(key, attempt);
    }
  });
  return [...byKey.values()].sort((a, b) => a.chunkNo - b.chunkNo || a.attempt - b.attempt);
}

export interface AttemptOverlap {
  chunkNo: number;
  older: PushAttempt;
  newer: PushAttempt;
  /** How long both attempts were alive at once. */
  overlapMs: number;
  /** Whether the older one posted after the newer one's first POST (must never happen). */
  interleaved: boolean;
}

/** Pairs of attempts of a chunk that were alive at the same time (an attempt without an end counts as alive until `nowMs`). */
export function overlapsOf(attempts: PushAttempt[], nowMs: number): AttemptOverlap[] {
  const overlaps: AttemptOverlap[] = [];
  for (const older of attempts) {
    for (const newer of attempts) {
      if (newer.chunkNo !== older.chunkNo || newer.attempt <= older.attempt) continue;
      const overlapMs = Math.min(older.endedAtMs ?? nowMs, newer.endedAtMs ?? nowMs) - Math.max(older.startedAtMs, newer.startedAtMs);
      if (overlapMs <= 0) continue;
      const interleaved = older.lastPostAtMs !== undefined && newer.firstPostAtMs !== undefined && older.lastPostAtMs >= newer.firstPostAtMs;
      overlaps.push({ chunkNo: older.chunkNo, older, newer, overlapMs, interleaved });
    }
  }
  return overlaps;
}
