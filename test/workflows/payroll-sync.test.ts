// payrollSync's own logic on a real Temporal dev server with fake activities: the order of its steps, the push
// concurrency, dry runs, empty periods, failures, cancellation and the progress query.
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { causeChain, FailureType, personioFailureType } from '../../contracts/failures.js';
import { dryRunWorkflowId, payrollSyncWorkflowId, WORKFLOW_TYPES } from '../../contracts/ids.js';
import { SYNC_STATUS } from '../../contracts/search-attributes.js';
import { APPROVE_UPDATE, PROGRESS_QUERY, REJECT_UPDATE, type PayrollSyncInput, type PayrollSyncResult, type SyncProgress } from '../../contracts/sync.js';
import {
  BENEFITS,
  connectTestEnv,
  COUNTS,
  RESOLVED,
  eventually,
  fakeActivities,
  gate,
  historyEvents,
  ITEMS_PER_CHUNK,
  uniqueId,
  waitAtGate,
  withWorker,
  type ActivityName,
  type FakeActivities,
  type Gate,
  type SyncActivityHandlers,
  activitySummaries,
} from './support.js';

type PayrollSyncWorkflow = (input: PayrollSyncInput) => Promise<PayrollSyncResult>;

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await connectTestEnv();
});
afterAll(async () => {
  await env?.teardown();
});

function syncInput(overrides: Partial<PayrollSyncInput> = {}): PayrollSyncInput {
  return { syncId: uniqueId('sync'), companyId: uniqueId('company'), period: '2026-03', trigger: 'api', dryRun: false, ...overrides };
}

function startSync(taskQueue: string, input: PayrollSyncInput): Promise<WorkflowHandleWithFirstExecutionRunId<PayrollSyncWorkflow>> {
  const workflowId = input.dryRun ? dryRunWorkflowId(input.companyId, input.period) : payrollSyncWorkflowId(input.companyId, input.period);
  return env.client.workflow.start<PayrollSyncWorkflow>(WORKFLOW_TYPES.payrollSync, { taskQueue, workflowId, args: [input] });
}

/** The rejection of a workflow's result, with its cause chain (outermost first). */
async function failureOf(handle: WorkflowHandle): Promise<{ error: WorkflowFailedError; chain: Error[] }> {
  const error = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  return { error: error as WorkflowFailedError, chain: causeChain(error) };
}

/** The SDK's built-in query behind the Temporal UI's "current details". */
const WORKFLOW_METADATA_QUERY = '__temporal_workflow_metadata';

const SYNC_STEPS: ActivityName[] = ['beginSync', 'resolveEmployees', 'ensureCompensationTypes', 'planSync'];

describe('payrollSync', () => {
  it('runs beginSync → resolveEmployees → ensureCompensationTypes → planSync → every chunk (planSync\'s pushConcurrency at once) → finishSync → sendSyncSummary, and returns finishSync\'s answer', async () => {
    const CHUNKS = 10;
    const fake = fakeActivities({
      // Not the activity code's PUSH_CONCURRENCY: the workflow takes it from the recorded plan.
      planSync: async () => ({ itemsTotal: CHUNKS * ITEMS_PER_CHUNK, chunksTotal: CHUNKS, pushConcurrency: 3 }),
      pushChunk: async () => {
        await sleep(150); // long enough for the workflow to fill every free slot
        return { items: ITEMS_PER_CHUNK, created: 2, corrections: 1, alreadyPresent: 0, needsManualCorrection: 0, failed: 0 };
      },
      // Not 'succeeded': the workflow hands back whatever finishSync decided.
      finishSync: async () => ({ status: 'partially_failed', counts: { ...COUNTS, failed: 1 } }),
    });
    const input = syncInput({ trigger: 'schedule' });
    await withWorker(env, fake.activities, async (taskQueue) => {
      const handle = await startSync(taskQueue, input);
      const result = await handle.result();

      expect(result).toEqual({ syncId: input.syncId, status: 'partially_failed', counts: { ...COUNTS, failed: 1 } });
      expect(fake.names()).toEqual([
        'beginSync',
        'guardPersonioConnection',
        'resolveEmployees',
        'ensureCompensationTypes',
        'planSync',
        ...Array<ActivityName>(CHUNKS).fill('pushChunk'),
        'finishSync',
        'sendSyncSummary',
      ]);
      expect(fake.inputsOf('beginSync')).toEqual([{ ...input, workflowId: payrollSyncWorkflowId(input.companyId, input.period), runId: handle.firstExecutionRunId }]);
      for (const step of ['resolveEmployees', 'ensureCompensationTypes', 'finishSync', 'sendSyncSummary'] as const) expect(fake.inputsOf(step)).toEqual([{ syncId: input.syncId }]);
      expect(fake.inputsOf('planSync')).toEqual([{ syncId: input.syncId, benefits: BENEFITS }]);
      // Every chunk exactly once, at most 3 in flight and 3 indeed used; finishSync only after the last one ended.
      expect(fake.inputsOf('pushChunk').map((i) => i.chunkNo).sort((a, b) => a - b)).toEqual(Array.from({ length: CHUNKS }, (_, i) => i));
      expect(fake.inputsOf('pushChunk').every((i) => i.syncId === input.syncId)).toBe(true);
      expect(fake.maxPushesInFlight()).toBe(3);
      const lastPushEnd = Math.max(...fake.callsOf('pushChunk').map((c) => c.endSeq ?? Infinity));
      expect(fake.callsOf('finishSync')[0]!.startSeq).toBeGreaterThan(lastPushEnd);
      expect(fake.calls.every((c) => c.outcome === 'returned' && c.attempt === 1)).toBe(true);
      expect((await handle.describe()).typedSearchAttributes.get(SYNC_STATUS)).toBe('partially_failed');
      // What the Temporal UI shows: a partially failed sync is not a plain "Completed", and every activity says what it is.
      const details = (await handle.query<{ currentDetails?: string }>(WORKFLOW_METADATA_QUERY)).currentDetails ?? '';
      expect(details).toMatch(/^\*\*PARTIALLY FAILED\*\*: 18 entries; 18 created, 0 corrections/);
      expect(details).toContain('Failed 1');
      const summaries = await activitySummaries(handle);
      expect(summaries.filter((s) => s.startsWith('chunk ')).sort()).toEqual(Array.from({ length: CHUNKS }, (_, i) => `chunk ${i + 1}/${CHUNKS}`).sort());
      expect(summaries).toContain('resolve the employees of 18 entries');
      expect(summaries).toContain('compensation types: 6 of 6 employees matched');
    });
  });

  it('syncs planned before the plan recorded its concurrency push 4 chunks at once', async () => {
    const fake = fakeActivities({
      planSync: async () => ({ itemsTotal: 10 * ITEMS_PER_CHUNK, chunksTotal: 10 }) as Awaited<ReturnType<SyncActivityHandlers['planSync']>>,
      pushChunk: async () => {
        await sleep(150);
        return { items: ITEMS_PER_CHUNK, created: ITEMS_PER_CHUNK, corrections: 0, alreadyPresent: 0, needsManualCorrection: 0, failed: 0 };
      },
    });
    await withWorker(env, fake.activities, async (taskQueue) => {
      await (await startSync(taskQueue, syncInput())).result();
    });
    expect(fake.maxPushesInFlight()).toBe(4);
  });

  it('pushes run under a 30-minute start-to-close timeout, or under a drill\'s shorter one (input.tuning)', async () => {
    const timeouts: number[] = [];
    const fake = fakeActivities({
      pushChunk: async () => {
        timeouts.push(Context.current().info.startToCloseTimeoutMs);
        return { items: ITEMS_PER_CHUNK, created: ITEMS_PER_CHUNK, corrections: 0, alreadyPresent: 0, needsManualCorrection: 0, failed: 0 };
      },
    });
    await withWorker(env, fake.activities, async (taskQueue) => {
      await (await startSync(taskQueue, syncInput())).result();
      await (await startSync(taskQueue, syncInput({ tuning: { pushStartToCloseSeconds: 7 } }))).result();
    });
    const chunks = fake.inputsOf('pushChunk').length / 2;
    expect(timeouts).toEqual([...Array<number>(chunks).fill(30 * 60_000), ...Array<number>(chunks).fill(7_000)]);
  });

  it('a dry run plans and "pushes" like a sync but sends no summary', async () => {
    const fake = fakeActivities();
    const input = syncInput({ dryRun: true });
    await withWorker(env, fake.activities, async (taskQueue) => {
      const result = await (await startSync(taskQueue, input)).result();
      expect(result).toEqual({ syncId: input.syncId, status: 'succeeded', counts: COUNTS });
      expect(fake.names()).toEqual(['beginSync', 'guardPersonioConnection', 'resolveEmployees', 'ensureCompensationTypes', 'planSync', ...Array<ActivityName>(6).fill('pushChunk'), 'finishSync']);
      expect(fake.inputsOf('beginSync')[0]).toMatchObject({ dryRun: true, workflowId: dryRunWorkflowId(input.companyId, input.period) });
    });
  });

  it('a period without entries goes straight from beginSync to finishSync (and still mails the summary)', async () => {
    const fake = fakeActivities({ beginSync: async () => ({ entryCount: 0 }) });
    const input = syncInput();
    await withWorker(env, fake.activities, async (taskQueue) => {
      const handle = await startSync(taskQueue, input);
      expect(await handle.result()).toEqual({ syncId: input.syncId, status: 'succeeded', counts: COUNTS });
      expect(fake.names()).toEqual(['beginSync', 'finishSync', 'sendSyncSummary']);
      expect(fake.inputsOf('finishSync')).toEqual([{ syncId: input.syncId }]);
      expect(await handle.query<SyncProgress>(PROGRESS_QUERY)).toEqual({ phase: 'done', chunksTotal: 0, chunksDone: 0, itemsTotal: 0, itemsDone: 0 });
    });
  });

  describe('a step that fails for good', () => {
    for (const step of [...SYNC_STEPS, 'pushChunk'] as const) {
      it(`${step}: records the innermost message and type via finishSync, sends the summary, and fails the workflow`, async () => {
        const message = `${step} cannot go on: company has no Personio credentials`;
        // Retryable as thrown: the workflow's own nonRetryableErrorTypes must stop the retries.
        const fails = () => ApplicationFailure.retryable(message, FailureType.NoPersonioCredentials);
        const fake = fakeActivities(
          step === 'pushChunk'
            ? { pushChunk: async ({ chunkNo }) => { if (chunkNo === 2) throw fails(); await sleep(200); return { items: 3, created: 3, corrections: 0, alreadyPresent: 0, needsManualCorrection: 0, failed: 0 }; } }
            : { [step]: async () => { throw fails(); } },
        );
        const input = syncInput();
        await withWorker(env, fake.activities, async (taskQueue) => {
          const handle = await startSync(taskQueue, input);
          const { chain } = await failureOf(handle);

          // Thrown once and not retried (for pushChunk: chunk 2 only).
          expect(fake.callsOf(step).filter((c) => c.outcome === 'threw')).toHaveLength(1);
          if (step === 'pushChunk') expect(fake.inputsOf('pushChunk').filter((i) => i.chunkNo === 2)).toHaveLength(1);
          expect(fake.inputsOf('finishSync')).toEqual([{ syncId: input.syncId, failure: { message, type: FailureType.NoPersonioCredentials } }]);
          expect(fake.inputsOf('sendSyncSummary')).toEqual([{ syncId: input.syncId }]);
          expect(fake.callsOf('sendSyncSummary')[0]!.startSeq).toBeGreaterThan(fake.callsOf('finishSync')[0]!.endSeq!);
          const root = chain.at(-1);
          expect(root).toBeInstanceOf(ApplicationFailure);
          expect(root).toMatchObject({ message, type: FailureType.NoPersonioCredentials });
          expect((await handle.describe()).typedSearchAttributes.get(SYNC_STATUS)).toBe('failed');
        });
      });
    }

    it('passes the missing scope of a Personio permission failure on, and a failed dry run sends no summary', async () => {
      const message = 'Personio refused to list compensations (403)';
      const forbidden = personioFailureType('forbidden');
      const fake = fakeActivities({
        resolveEmployees: async () => {
          throw ApplicationFailure.create({ message, type: forbidden, nonRetryable: true, details: [{ missingScope: 'personio:compensations:read' }] });
        },
      });
      const input = syncInput({ dryRun: true });
      await withWorker(env, fake.activities, async (taskQueue) => {
        await failureOf(await startSync(taskQueue, input));
        expect(fake.names()).toEqual(['beginSync', 'guardPersonioConnection', 'resolveEmployees', 'finishSync']);
        expect(fake.inputsOf('finishSync')).toEqual([{ syncId: input.syncId, failure: { message, type: forbidden, missingScope: 'personio:compensations:read' } }]);
      });
    });
  });

  /** Starts a sync of 10 chunks whose pushes hang until cancelled, and cancels it once 4 are in flight. */
  async function cancelMidPush(check: (run: { fake: FakeActivities; input: PayrollSyncInput; handle: WorkflowHandle; chain: Error[] }) => Promise<void>) {
    const release = gate(); // never opened: every chunk hangs until it is cancelled
    const fake = fakeActivities({
      planSync: async () => ({ itemsTotal: 30, chunksTotal: 10, pushConcurrency: 4 }),
      pushChunk: async () => {
        await waitAtGate(release);
        return { items: 3, created: 3, corrections: 0, alreadyPresent: 0, needsManualCorrection: 0, failed: 0 };
      },
    });
    const input = syncInput();
    await withWorker(env, fake.activities, async (taskQueue) => {
      const handle = await startSync(taskQueue, input);
      await eventually(() => fake.pushesInFlight() === 4, 10_000, '4 chunks in flight');
      await handle.cancel();
      const { chain } = await failureOf(handle);
      await check({ fake, input, handle, chain });
    });
  }

  it('cancelled mid-push: records a failure via finishSync, mails the summary, ends cancelled and leaves no chunk running', async () => {
    await cancelMidPush(async ({ fake, input, handle, chain }) => {
      expect(chain.some((e) => e instanceof CancelledFailure)).toBe(true);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
      // The message itself: see the next test.
      expect(fake.inputsOf('finishSync')).toEqual([{ syncId: input.syncId, failure: { message: expect.any(String), type: 'SyncCancelled' } }]);
      expect(fake.callsOf('finishSync')[0]!.outcome).toBe('returned'); // ran after the cancellation: non-cancellable
      expect(fake.inputsOf('sendSyncSummary')).toEqual([{ syncId: input.syncId }]);
      expect((await handle.describe()).typedSearchAttributes.get(SYNC_STATUS)).toBe('failed');
      // No chunk started after the cancellation; the workflow asked to cancel every chunk it had started, and each
      // of them got the cancellation and ended.
      expect(fake.inputsOf('pushChunk').map((i) => i.chunkNo).sort()).toEqual([0, 1, 2, 3]);
      const pushes = (await historyEvents(handle, 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'pushChunk');
      const cancelRequested = await historyEvents(handle, 'EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED');
      expect(cancelRequested.map((e) => String(e.activityTaskCancelRequestedEventAttributes?.scheduledEventId)).sort()).toEqual(pushes.map((e) => String(e.eventId)).sort());
      await eventually(() => fake.pushesInFlight() === 0, 10_000, 'every pushChunk ended');
      expect(fake.callsOf('pushChunk').map((c) => c.outcome)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    });
  });

  // The innermost failure of a cancellation is the CanceledFailure core synthesizes, with an empty message.
  it('cancelled mid-push: the recorded failure message is "The sync was cancelled."', async () => {
    await cancelMidPush(async ({ fake, input }) => {
      expect(fake.inputsOf('finishSync')).toEqual([{ syncId: input.syncId, failure: { message: 'The sync was cancelled.', type: 'SyncCancelled' } }]);
    });
  });

  it('a chunk that fails for good stops the push: no chunk runs while finishSync records the outcome', async () => {
    const fake = fakeActivities({
      pushChunk: async ({ chunkNo }) => {
        if (chunkNo === 2) throw ApplicationFailure.nonRetryable('chunk 2 cannot be pushed', FailureType.ChunkNotFound);
        await sleep(200);
        return { items: 3, created: 3, corrections: 0, alreadyPresent: 0, needsManualCorrection: 0, failed: 0 };
      },
    });
    await withWorker(env, fake.activities, async (taskQueue) => {
      await failureOf(await startSync(taskQueue, syncInput()));
      const finishStart = fake.callsOf('finishSync')[0]!.startSeq;
      const runningAtFinish = fake.callsOf('pushChunk').filter((c) => c.startSeq < finishStart && (c.endSeq ?? Infinity) > finishStart);
      // The first round (chunks 0–3) was scheduled before chunk 2 failed; chunks 4 and 5 never are.
      const chunksRun = fake.callsOf('pushChunk').map((c) => c.input.chunkNo).sort();
      expect({ runningAtFinish: runningAtFinish.map((c) => c.input.chunkNo), chunksRun }).toEqual({ runningAtFinish: [], chunksRun: [0, 1, 2, 3] });
    });
  });

  it('the progress query reports each phase, the chunk and item totals, and what is done', async () => {
    const gates = new Map<string, Gate>(['beginSync', 'resolveEmployees', 'ensureCompensationTypes', 'planSync', 'finishSync', 'chunk0', 'chunk1', 'chunk2'].map((k) => [k, gate()]));
    const at = (key: string) => waitAtGate(gates.get(key)!);
    const fake = fakeActivities({
      beginSync: async () => (await at('beginSync'), { entryCount: 9 }),
      resolveEmployees: async () => (await at('resolveEmployees'), RESOLVED),
      ensureCompensationTypes: async () => (await at('ensureCompensationTypes'), { benefits: BENEFITS, createdTypes: [] }),
      planSync: async () => (await at('planSync'), { itemsTotal: 7, chunksTotal: 3, pushConcurrency: 4 }),
      pushChunk: async ({ chunkNo }) => (await at(`chunk${chunkNo}`), { items: chunkNo === 2 ? 1 : 3, created: 3, corrections: 0, alreadyPresent: 0, needsManualCorrection: 0, failed: 0 }),
      finishSync: async () => (await at('finishSync'), { status: 'succeeded', counts: COUNTS }),
    });
    await withWorker(env, fake.activities, async (taskQueue) => {
      const handle = await startSync(taskQueue, syncInput());
      const progress = () => handle.query<SyncProgress>(PROGRESS_QUERY);
      const reaches = async (expected: SyncProgress) => {
        await eventually(async () => JSON.stringify(await progress()) === JSON.stringify(expected), 10_000, `progress ${JSON.stringify(expected)}`);
      };
      const none = { chunksTotal: 0, chunksDone: 0, itemsTotal: 0, itemsDone: 0 };
      await reaches({ phase: 'starting', ...none });
      gates.get('beginSync')!.open();
      await reaches({ phase: 'resolving_employees', ...none });
      gates.get('resolveEmployees')!.open();
      await reaches({ phase: 'ensuring_types', ...none });
      gates.get('ensureCompensationTypes')!.open();
      await reaches({ phase: 'planning', ...none });
      gates.get('planSync')!.open();
      await reaches({ phase: 'pushing', chunksTotal: 3, chunksDone: 0, itemsTotal: 7, itemsDone: 0 });
      gates.get('chunk1')!.open();
      await reaches({ phase: 'pushing', chunksTotal: 3, chunksDone: 1, itemsTotal: 7, itemsDone: 3 });
      gates.get('chunk2')!.open();
      await reaches({ phase: 'pushing', chunksTotal: 3, chunksDone: 2, itemsTotal: 7, itemsDone: 4 });
      gates.get('chunk0')!.open();
      await reaches({ phase: 'finishing', chunksTotal: 3, chunksDone: 3, itemsTotal: 7, itemsDone: 7 });
      gates.get('finishSync')!.open();
      await handle.result();
      expect(await progress()).toEqual({ phase: 'done', chunksTotal: 3, chunksDone: 3, itemsTotal: 7, itemsDone: 7 });
    });
  });

  describe('a Personio connection known to be broken', () => {
    it('still broken after the re-test: fails at once with the reason, before anything reads Personio, and mails the summary', async () => {
      const reason = 'The Personio connection is broken (tested 2026-11-30T06:00:00.000Z): Personio rejected the client ID or secret.';
      const fake = fakeActivities({ guardPersonioConnection: async () => ({ usable: false, reason, failingChecks: ['credentials'] }) });
      const input = syncInput();
      await withWorker(env, fake.activities, async (taskQueue) => {
        const handle = await startSync(taskQueue, input);
        const { chain } = await failureOf(handle);
        expect(fake.names()).toEqual(['beginSync', 'guardPersonioConnection', 'finishSync', 'sendSyncSummary']);
        expect(fake.callsOf('guardPersonioConnection')).toHaveLength(1);
        expect(fake.inputsOf('finishSync')).toEqual([{ syncId: input.syncId, failure: { message: reason, type: FailureType.PersonioConnectionBroken } }]);
        expect(chain.at(-1)).toMatchObject({ type: FailureType.PersonioConnectionBroken, nonRetryable: true });
      });
    });

    it('working again: announces the change (one mail) and goes on', async () => {
      const transition = { transitionId: 'acme:2', companyId: 'acme', seq: 2, kind: 'restored' as const, at: '2026-11-30T06:00:00.000Z', failingChecks: [] };
      const fake = fakeActivities({ guardPersonioConnection: async () => ({ usable: true, transition }) });
      const input = syncInput();
      await withWorker(env, fake.activities, async (taskQueue) => {
        expect((await (await startSync(taskQueue, input)).result()).status).toBe('succeeded');
        expect(fake.names().slice(0, 4)).toEqual(['beginSync', 'guardPersonioConnection', 'sendConnectionAlert', 'resolveEmployees']);
        expect(fake.inputsOf('sendConnectionAlert')).toEqual([{ transitionId: 'acme:2' }]);
      });
    });
  });

  describe('four eyes (the company requires approval)', () => {
    const withApproval = (policy: { reminderAfterMs: number; expiresAfterMs: number }) => async (i: { dryRun: boolean }) => ({ entryCount: 18, ...(i.dryRun ? {} : { approval: policy }) });
    const mainPushes = (fake: ReturnType<typeof fakeActivities>, syncId: string) => fake.inputsOf('pushChunk').filter((i) => i.syncId === syncId);

    it('not decided: one reminder after its time, then expired at the deadline, having written nothing', async () => {
      const fake = fakeActivities({ beginSync: withApproval({ reminderAfterMs: 1_500, expiresAfterMs: 4_000 }) });
      const input = syncInput({ actor: 'alice' });
      await withWorker(env, fake.activities, async (taskQueue) => {
        const result = await (await startSync(taskQueue, input)).result();
        expect(result.status).toBe('expired');
        expect(fake.inputsOf('sendApprovalMail')).toEqual([{ syncId: input.syncId, kind: 'request' }, { syncId: input.syncId, kind: 'reminder' }]);
        expect(fake.inputsOf('recordApprovalReminder')).toEqual([{ syncId: input.syncId }]);
        expect(fake.inputsOf('closeUnapproved')).toEqual([{ syncId: input.syncId, outcome: 'expired' }]);
        expect(fake.callsOf('closeUnapproved')[0]!.startSeq).toBeGreaterThan(fake.callsOf('sendApprovalMail')[1]!.endSeq!);
        // The preview (a dry-run child) ran its steps; the sync itself wrote nothing and took no approval.
        expect(fake.inputsOf('recordPreview')).toHaveLength(1);
        expect(mainPushes(fake, input.syncId)).toEqual([]);
        expect(fake.inputsOf('applyApproval')).toEqual([]);
        expect(fake.inputsOf('sendSyncSummary')).toEqual([{ syncId: input.syncId }]);
      });
    });

    it('approve and reject are Updates with validators: the starter is refused, another person is accepted, and the sync then pushes', async () => {
      const fake = fakeActivities({ beginSync: withApproval({ reminderAfterMs: 60_000, expiresAfterMs: 120_000 }) });
      const input = syncInput({ actor: 'alice' });
      await withWorker(env, fake.activities, async (taskQueue) => {
        const handle = await startSync(taskQueue, input);
        await eventually(() => fake.inputsOf('sendApprovalMail').length === 1, 10_000, 'the approval request');
        await expect(handle.executeUpdate(APPROVE_UPDATE, { args: [{ actor: 'ALICE' }] })).rejects.toMatchObject({ cause: { type: 'FourEyesViolation', message: expect.stringMatching(/another person must approve/) } });
        expect(await handle.executeUpdate(APPROVE_UPDATE, { args: [{ actor: 'bob', comment: 'ok' }] })).toEqual({ accepted: true, status: 'running' });
        await expect(handle.executeUpdate(REJECT_UPDATE, { args: [{ actor: 'carol' }] })).rejects.toMatchObject({ cause: { type: 'NotAwaitingApproval' } });
        expect((await handle.result()).status).toBe('succeeded');
        expect(fake.inputsOf('applyApproval')).toEqual([{ syncId: input.syncId, actor: 'bob', comment: 'ok' }]);
        expect(mainPushes(fake, input.syncId)).toHaveLength(6);
        expect(fake.callsOf('applyApproval')[0]!.endSeq).toBeLessThan(fake.callsOf('pushChunk').find((c) => c.input.syncId === input.syncId)!.startSeq);
      });
    });
  });
});
