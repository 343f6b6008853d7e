// Records the histories that test/workflows/replay.test.ts replays: each workflow of the bundle through the paths
// a deploy can meet in flight, on the tier's dev server with fake activities (ids and counts only: no entry, no
// secret). Runs only with RECORD_HISTORIES=1 (`npm run histories:record`): a change meant to be incompatible
// records them again; RECORD_HISTORIES_PREFIX names a set recorded from older code, kept beside the current one.
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ConnectionTestOutcome, ConnectionTestResult } from '../../contracts/connection-test.js';
import { FailureType } from '../../contracts/failures.js';
import { payrollSyncWorkflowId, scheduledRunWorkflowId, WORKFLOW_TYPES } from '../../contracts/ids.js';
import type { ScheduledPayrollSyncInput } from '../../contracts/schedule.js';
import { APPROVE_UPDATE, type PayrollSyncInput } from '../../contracts/sync.js';
import { connectTestEnv, COUNTS, eventually, fakeActivities, gate, uniqueId, waitAtGate, withWorker, type SyncActivityHandlers } from './support.js';

export const HISTORIES_DIR = fileURLToPath(new URL('./histories/', import.meta.url));
const PREFIX = process.env.RECORD_HISTORIES_PREFIX ?? '';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await connectTestEnv();
  mkdirSync(HISTORIES_DIR, { recursive: true });
});
afterAll(async () => {
  await env?.teardown();
});

/**
 * The proto3 JSON form (`temporal workflow show --output json` writes the same), which historyFromJSON reads back.
 * Not the SDK's historyToJSON: it trips over two copies of protobufjs in this install.
 */
const historyJson = (history: temporal.api.history.v1.IHistory) => `${JSON.stringify(temporal.api.history.v1.History.fromObject(history).toJSON(), null, 1)}\n`;

async function save(name: string, handle: WorkflowHandle): Promise<void> {
  await handle.result().catch(() => undefined);
  writeFileSync(join(HISTORIES_DIR, `${PREFIX}${name}.json`), historyJson(await handle.fetchHistory()));
}

const syncInput = (overrides: Partial<PayrollSyncInput> = {}): PayrollSyncInput => ({
  syncId: uniqueId('sync'),
  companyId: uniqueId('company'),
  period: '2026-10',
  trigger: 'api',
  dryRun: false,
  ...overrides,
});

async function recordSync(name: string, handlers: Partial<SyncActivityHandlers>, input = syncInput(), act?: (handle: WorkflowHandle) => Promise<void>): Promise<void> {
  const fake = fakeActivities(handlers);
  await withWorker(env, { ...fake.activities }, async (taskQueue) => {
    const handle = await env.client.workflow.start(WORKFLOW_TYPES.payrollSync, {
      taskQueue,
      workflowId: input.dryRun ? uniqueId('dry-run') : payrollSyncWorkflowId(input.companyId, input.period),
      args: [input],
    });
    await act?.(handle);
    await save(name, handle);
  });
}

const noCredentials = () => ApplicationFailure.nonRetryable('Company has no Personio credentials', FailureType.NoPersonioCredentials);

describe.runIf(process.env.RECORD_HISTORIES === '1')('record workflow histories', () => {
  it('payrollSync: success, partial failure, failure, dry run, cancelled', async () => {
    await recordSync('payroll-sync-succeeded', {});
    await recordSync('payroll-sync-partially-failed', { finishSync: async (i) => ({ status: i.failure ? 'failed' : 'partially_failed', counts: { ...COUNTS, failed: 2 } }) });
    await recordSync('payroll-sync-failed', {
      pushChunk: async ({ chunkNo }) => {
        if (chunkNo === 2) throw noCredentials();
        return { items: 3, created: 3, corrections: 0, alreadyPresent: 0, needsManualCorrection: 0, failed: 0 };
      },
    });
    await recordSync('payroll-sync-dry-run', {}, syncInput({ dryRun: true }));
    const hold = gate();
    let pushing = 0;
    await recordSync(
      'payroll-sync-cancelled',
      {
        pushChunk: async () => {
          pushing++;
          await waitAtGate(hold);
          return { items: 3, created: 3, corrections: 0, alreadyPresent: 0, needsManualCorrection: 0, failed: 0 };
        },
      },
      syncInput(),
      async (handle) => {
        await eventually(() => pushing >= 4, 10_000, 'the pushes to start');
        await handle.cancel();
      },
    );
  });

  it('scheduledPayrollSync: without and with its automatic retry, and a stopped sync', async () => {
    const scheduled = (overrides: Partial<ScheduledPayrollSyncInput> = {}): ScheduledPayrollSyncInput => ({
      companyId: uniqueId('company'),
      period: 'previous',
      timezone: 'UTC',
      autoRetryAfterMinutes: 0.02,
      ...overrides,
    });
    const record = async (name: string, handlers: Partial<SyncActivityHandlers>, input: ScheduledPayrollSyncInput, act?: () => Promise<void>) => {
      const fake = fakeActivities(handlers);
      await withWorker(env, fake.activities, async (taskQueue) => {
        const handle = await env.client.workflow.start(WORKFLOW_TYPES.scheduledPayrollSync, {
          taskQueue,
          workflowId: `${scheduledRunWorkflowId(input.companyId)}-${uniqueId('recorded')}`,
          args: [input],
        });
        await act?.();
        await save(name, handle);
      });
    };
    await record('scheduled-payroll-sync-succeeded', {}, scheduled());
    await record('scheduled-payroll-sync-retried', { beginSync: async (i) => (i.trigger === 'schedule' ? Promise.reject(noCredentials()) : { entryCount: 18 }) }, scheduled());
    const hold = gate();
    let begun = 0;
    const input = scheduled();
    await record(
      'scheduled-payroll-sync-sync-terminated',
      { beginSync: async () => (begun++, await waitAtGate(hold), { entryCount: 18 }) },
      input,
      async () => {
        await eventually(() => begun === 1, 10_000, 'the scheduled sync to begin');
        const period = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
        await env.client.workflow.getHandle(payrollSyncWorkflowId(input.companyId, period)).terminate('stopped by an operator');
      },
    );
  });

  it('payrollSync awaiting approval: approved by a second person, and expired', async () => {
    const approval = (policy: { reminderAfterMs: number; expiresAfterMs: number }) => async (i: { dryRun: boolean }) => ({ entryCount: 18, ...(i.dryRun ? {} : { approval: policy }) });
    await recordSync('payroll-sync-approved', { beginSync: approval({ reminderAfterMs: 60_000, expiresAfterMs: 120_000 }) }, syncInput({ actor: 'alice' }), async (handle) => {
      await eventually(async () => (await handle.fetchHistory()).events?.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendApprovalMail'), 10_000, 'the approval request');
      await handle.executeUpdate(APPROVE_UPDATE, { args: [{ actor: 'bob', comment: 'ok' }] });
    });
    await recordSync('payroll-sync-expired', { beginSync: approval({ reminderAfterMs: 500, expiresAfterMs: 1_500 }) }, syncInput({ actor: 'alice' }));
  });

  it('payrollSync on a connection known broken: stopped by the guard', async () => {
    await recordSync('payroll-sync-connection-broken', {
      guardPersonioConnection: async () => ({ usable: false, reason: 'The Personio connection is broken.', failingChecks: ['credentials'] }),
    });
  });

  it('connectionTest: no change, and a change to broken (mail and webhook event)', async () => {
    const result: ConnectionTestResult = { ok: true, unreachable: false, checks: [], testedAt: '2026-11-30T12:00:00.000Z' };
    const record = async (name: string, outcome: ConnectionTestOutcome) => {
      const fake = fakeActivities();
      await withWorker(env, { ...fake.activities, testPersonioConnection: async () => outcome }, async (taskQueue) => {
        const handle = await env.client.workflow.start(WORKFLOW_TYPES.connectionTest, { taskQueue, workflowId: uniqueId('connection-test'), args: [{ companyId: uniqueId('company'), trigger: 'api' }] });
        await save(name, handle);
      });
    };
    await record('connection-test', result);
    const companyId = uniqueId('company');
    await record('connection-test-broken', {
      ...result,
      ok: false,
      transition: { transitionId: `${companyId}:1`, companyId, seq: 1, kind: 'broken', at: result.testedAt, failingChecks: ['credentials'] },
    });
  });
});
