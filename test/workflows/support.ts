// Helpers of the workflow tier: the tier's Temporal dev server (started once by ./global-setup.ts), a worker per
// test on its own task queue running the real workflow bundle, and fake activities that record every call and
// answer with canned results (or whatever a test's handler does). Activity types come from the activities (types only).
import { CancelledFailure, Context } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Activities } from '../../activities/index.js';
import type { SyncCounts } from '../../contracts/sync.js';

export const workflowEnv = () => inject('workflowEnv');

let runtimeInstalled = false;
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // ERROR: the activity and workflow failures these tests provoke are logged at WARN.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this process.
  }
}

/** A client and a native connection to the tier's dev server (close with `teardown()`: the server stays up). */
export async function connectTestEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const { temporalAddress, temporalNamespace } = workflowEnv();
  return TestWorkflowEnvironment.createFromExistingServer({ address: temporalAddress, namespace: temporalNamespace });
}

export const uniqueId = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * Runs `body` while a worker with the real workflow bundle and these activities polls a fresh task queue.
 * Heartbeats are not throttled for long, so a cancelled activity learns it within a fraction of a second.
 */
export async function withWorker<T>(env: TestWorkflowEnvironment, activities: object, body: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueId('workflow-test');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: { codePath: workflowEnv().workflowBundlePath },
    activities,
    maxHeartbeatThrottleInterval: '100 ms',
    defaultHeartbeatThrottleInterval: '100 ms',
    shutdownGraceTime: '2 s',
  });
  return worker.runUntil(body(taskQueue));
}

// ---- the sync activities as the workflows call them: their types, from the activities themselves ----

export type SyncActivityHandlers = Pick<
  Activities,
  | 'beginSync'
  | 'guardPersonioConnection'
  | 'resolveEmployees'
  | 'ensureCompensationTypes'
  | 'planSync'
  | 'pushChunk'
  | 'finishSync'
  | 'sendSyncSummary'
  | 'sendConnectionAlert'
  | 'recordPreview'
  | 'checkPreviewCurrent'
  | 'recordApprovalReminder'
  | 'applyApproval'
  | 'closeUnapproved'
  | 'sendApprovalMail'
>;
export type BenefitResolution = Parameters<Activities['planSync']>[0]['benefits'][number];
export type ChunkResult = Awaited<ReturnType<Activities['pushChunk']>>;

export type ActivityName = keyof SyncActivityHandlers;
export type ActivityInput<N extends ActivityName> = Parameters<SyncActivityHandlers[N]>[0];

export const COUNTS: SyncCounts = {
  entries: 18,
  employees: 6,
  employeesMatched: 6,
  employeesUnmatched: 0,
  employeesInactive: 0,
  compensationsCreated: 18,
  alreadyPresent: 0,
  corrections: 0,
  needsManualCorrection: 0,
  failed: 0,
  entriesNotMatched: 0,
  entriesPending: 0,
  wouldCreate: 0,
  wouldCorrect: 0,
};

export const BENEFITS: BenefitResolution[] = [
  { benefitKey: 'meal', benefitName: 'Meal allowance', status: 'ok', compensationTypeId: 'type-meal' },
  { benefitKey: 'mobility', benefitName: 'Mobility budget', status: 'would_create' },
];

export const ITEMS_PER_CHUNK = 3;

export const RESOLVED = { employees: 6, matched: 6, unmatched: 0, ambiguous: 0, inactive: 0 };

/** What the fakes answer unless a test hands in its own handler: 18 entries in 6 chunks of 3 items, all created. */
export const cannedHandlers: SyncActivityHandlers = {
  beginSync: async () => ({ entryCount: 18 }),
  guardPersonioConnection: async () => ({ usable: true }),
  resolveEmployees: async () => RESOLVED,
  ensureCompensationTypes: async () => ({ benefits: BENEFITS, createdTypes: [] }),
  planSync: async () => ({ itemsTotal: 6 * ITEMS_PER_CHUNK, chunksTotal: 6, pushConcurrency: 4 }),
  pushChunk: async () => ({ items: ITEMS_PER_CHUNK, created: ITEMS_PER_CHUNK, corrections: 0, alreadyPresent: 0, needsManualCorrection: 0, failed: 0 }),
  finishSync: async (input) => ({ status: input.failure ? 'failed' : 'succeeded', counts: COUNTS }),
  sendSyncSummary: async () => ({ status: 'sent' }),
  sendConnectionAlert: async () => ({ status: 'sent' }),
  recordPreview: async () => ({ entrySetId: 'set-1' }),
  checkPreviewCurrent: async () => ({ current: true }),
  recordApprovalReminder: async () => undefined,
  applyApproval: async () => ({ entryCount: 18 }),
  closeUnapproved: async () => undefined,
  sendApprovalMail: async () => ({ status: 'sent' }),
};

/** The webhook events a sync emits run as child workflows on the same worker: recorded with no endpoint, not tracked as calls. */
const untrackedActivities: Pick<Activities, 'recordWebhookEvent'> = {
  recordWebhookEvent: async () => ({
    deliveryIds: [],
    retry: { initialIntervalMs: 100, maxIntervalMs: 1_000, backoffCoefficient: 2, deliverForMs: 60_000, attemptTimeoutMs: 5_000 },
  }),
};

export interface ActivityCall<N extends ActivityName = ActivityName> {
  name: N;
  input: ActivityInput<N>;
  /** Order of the call's start and end among all starts and ends of this fake. */
  startSeq: number;
  endSeq?: number;
  outcome?: 'returned' | 'threw' | 'cancelled';
  attempt: number;
}

export interface FakeActivities {
  /** Registered with the worker. */
  activities: Record<ActivityName, (input: never) => Promise<unknown>>;
  calls: ActivityCall[];
  /** Names of the calls in start order. */
  names(): ActivityName[];
  callsOf<N extends ActivityName>(name: N): ActivityCall<N>[];
  inputsOf<N extends ActivityName>(name: N): ActivityInput<N>[];
  /** The most pushChunk calls that were running at the same time. */
  maxPushesInFlight(): number;
  pushesInFlight(): number;
}

export function fakeActivities(handlers: Partial<SyncActivityHandlers> = {}): FakeActivities {
  const all: SyncActivityHandlers = { ...cannedHandlers, ...handlers };
  const calls: ActivityCall[] = [];
  let seq = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const wrap = <N extends ActivityName>(name: N) =>
    async (input: ActivityInput<N>): Promise<unknown> => {
      const call: ActivityCall<N> = { name, input, startSeq: ++seq, attempt: Context.current().info.attempt };
      calls.push(call as unknown as ActivityCall);
      if (name === 'pushChunk') maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        const handler = all[name] as (input: ActivityInput<N>) => Promise<unknown>;
        const result = await handler(input);
        call.outcome = 'returned';
        return result;
      } catch (error) {
        call.outcome = error instanceof CancelledFailure ? 'cancelled' : 'threw';
        throw error;
      } finally {
        call.endSeq = ++seq;
        if (name === 'pushChunk') inFlight--;
      }
    };
  const names = Object.keys(cannedHandlers) as ActivityName[];
  return {
    activities: { ...untrackedActivities, ...Object.fromEntries(names.map((name) => [name, wrap(name)])) } as unknown as FakeActivities['activities'],
    calls,
    names: () => calls.map((c) => c.name),
    callsOf: <N extends ActivityName>(name: N) => calls.filter((c): c is ActivityCall<N> => c.name === name) as ActivityCall<N>[],
    inputsOf: <N extends ActivityName>(name: N) => calls.filter((c) => c.name === name).map((c) => c.input as ActivityInput<N>),
    maxPushesInFlight: () => maxInFlight,
    pushesInFlight: () => inFlight,
  };
}

/** A door a fake activity waits at (heartbeating, so it can be cancelled) until the test opens it. */
export interface Gate {
  readonly opened: Promise<void>;
  readonly isOpen: boolean;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  let isOpen = false;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    opened,
    get isOpen() {
      return isOpen;
    },
    open() {
      isOpen = true;
      open();
    },
  };
}

/** Inside a fake activity: heartbeat until the gate opens; throws CancelledFailure when the activity is cancelled. */
export async function waitAtGate(g: Gate): Promise<void> {
  const ctx = Context.current();
  while (!g.isOpen) {
    ctx.heartbeat();
    await Promise.race([g.opened, ctx.sleep(50)]);
  }
}

export { eventually } from '../support/eventually.js';

/** The workflow's history events of these types, in order. */
export async function historyEvents(handle: WorkflowHandle, ...types: (keyof typeof temporal.api.enums.v1.EventType)[]) {
  const history = await handle.fetchHistory();
  const wanted = new Set(types.map((t) => temporal.api.enums.v1.EventType[t]));
  return (history.events ?? []).filter((e) => e.eventType != null && wanted.has(e.eventType));
}

/** The summaries the workflow gave its activities (what the Temporal UI shows instead of the bare activity type). */
export async function activitySummaries(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  const converter = defaultPayloadConverter;
  return (history.events ?? []).flatMap((event) => {
    const summary = event.activityTaskScheduledEventAttributes ? event.userMetadata?.summary : undefined;
    return summary ? [converter.fromPayload<string>(summary)] : [];
  });
}
