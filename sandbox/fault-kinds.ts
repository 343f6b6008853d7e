// The faults the sandbox can inject, and an injected fault as the sandbox state keeps it.

export const FAULT_KINDS = ['latency', 'status', 'commit_then_drop', 'expire_token', 'repeat_cursor', 'ignore_filters'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  id: string;
  method: string;
  path: string;
  kind: FaultKind;
  latencyMs?: number;
  status?: number;
  retryAfterSeconds?: number;
  rate: number;
  /** Remaining applications; undefined = unlimited. */
  remaining?: number;
  applied: number;
  /** PRNG state (mulberry32). */
  rng: number;
}
