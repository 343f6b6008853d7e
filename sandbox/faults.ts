/**
 * Injected faults (a test facility, not Personio behaviour). A fault matches a method and a path; it may
 * fire only on a fraction of matching requests (`rate`, seeded PRNG) and only `count` times.
 */
import { z } from 'zod';
import { FAULT_KINDS, type Fault, type FaultKind } from './fault-kinds.js';
import type { SandboxState } from './state.js';

export { FAULT_KINDS, type Fault, type FaultKind };

/** The listings the ignore_filters fault applies to (the ones with filter parameters). */
export const FILTERED_LISTING_PATHS = ['/v2/persons', '/v2/compensations'];

export const faultSpecSchema = z
  .object({
    /** HTTP method, or '*' for any. */
    method: z.string().min(1).default('*'),
    /** Exact request path, e.g. '/v2/compensations', or '*' for any /v2 path. */
    path: z.string().refine((p) => p === '*' || p.startsWith('/'), 'path must start with / (or be *)'),
    kind: z.enum(FAULT_KINDS),
    latencyMs: z.number().int().min(0).max(300_000).optional(),
    status: z.number().int().min(400).max(599).optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    rate: z.number().min(0).max(1).optional(),
    count: z.number().int().positive().optional(),
    seed: z.number().int().optional(),
  })
  .superRefine((f, ctx) => {
    if (f.kind === 'status' && f.status === undefined) ctx.addIssue({ code: 'custom', message: 'status is required for kind status' });
    if (f.kind === 'latency' && f.latencyMs === undefined) ctx.addIssue({ code: 'custom', message: 'latencyMs is required for kind latency' });
  });
export type FaultSpec = z.input<typeof faultSpecSchema>;


export function addFault(state: SandboxState, spec: z.output<typeof faultSpecSchema>): Fault {
  const id = `fault-${++state.counters.fault}`;
  const fault: Fault = {
    id,
    method: spec.method.toUpperCase(),
    path: normalizePath(spec.path),
    kind: spec.kind,
    rate: spec.rate ?? 1,
    applied: 0,
    rng: (spec.seed ?? hashString(id)) >>> 0,
  };
  if (spec.latencyMs !== undefined) fault.latencyMs = spec.latencyMs;
  if (spec.status !== undefined) fault.status = spec.status;
  if (spec.retryAfterSeconds !== undefined) fault.retryAfterSeconds = spec.retryAfterSeconds;
  if (spec.count !== undefined) fault.remaining = spec.count;
  state.faults.push(fault);
  return fault;
}

export function publicFault(f: Fault): Omit<Fault, 'rng'> {
  const { rng: _rng, ...rest } = f;
  return rest;
}

export function normalizePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function matches(fault: Fault, kind: FaultKind, method: string, path: string): boolean {
  return (
    fault.kind === kind &&
    (fault.method === '*' || fault.method === method.toUpperCase()) &&
    (fault.path === '*' || fault.path === normalizePath(path))
  );
}

/** Rolls the fault's rate and, when it fires, consumes one of its applications. */
function fire(state: SandboxState, fault: Fault): boolean {
  if (fault.rate < 1 && nextRandom(fault) >= fault.rate) return false;
  fault.applied++;
  if (fault.remaining !== undefined) {
    fault.remaining--;
    if (fault.remaining <= 0) state.faults = state.faults.filter((f) => f !== fault);
  }
  return true;
}

/**
 * The first fault of `kind` matching the request that fires now (its count is consumed). `applicable`
 * lets a kind skip requests it cannot affect (e.g. repeat_cursor without a cursor) without consuming.
 */
export function takeFault(
  state: SandboxState,
  kind: FaultKind,
  method: string,
  path: string,
  applicable: () => boolean = () => true,
): Fault | undefined {
  for (const fault of [...state.faults]) {
    if (!matches(fault, kind, method, path)) continue;
    if (!applicable()) return undefined;
    if (fire(state, fault)) return fault;
  }
  return undefined;
}

/** Every fault of `kind` firing for this request (e.g. latencies add up). */
export function takeAllFaults(state: SandboxState, kind: FaultKind, method: string, path: string): Fault[] {
  return [...state.faults].filter((fault) => matches(fault, kind, method, path) && fire(state, fault));
}

function nextRandom(f: Fault): number {
  // mulberry32
  f.rng = (f.rng + 0x6d2b79f5) >>> 0;
  let t = f.rng;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
