// Four eyes on the real stack: a company that requires approval gets a preview and a waiting sync; nothing is
// written to Personio (no compensation, no type) before a second person approves; then exactly the preview's
// compensations are there. Rejection, the same person approving, and a preview outdated by new entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailsTo } from '../email/support.js';
import { Webhook } from 'standardwebhooks';
import { createdWebhookEndpointSchema, problemSchema, syncDetailSchema } from '../support/api-schemas.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { parseApiJson, startHarness, type Harness } from '../support/harness.js';
import { compensationsOf, createScenario, expectExactlyOnce, putEntries, startSync, waitForSync, type Scenario } from '../support/payroll-scenario.js';
import { readUntil } from '../support/eventually.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function approvalScenario(employees = 4): Promise<Scenario> {
  const s = await createScenario(h, { employees });
  const put = await h.api('PUT', `/v1/companies/${s.companyId}`, { name: `Approval ${s.companyId}`, managerEmails: [`hr@${s.companyId}.example`], locale: 'en', approval: 'required' });
  expect(put.status, put.text).toBe(200);
  return s;
}

const syncView = async (s: Scenario, syncId: string) => parseApiJson(syncDetailSchema, await h.api('GET', `/v1/companies/${s.companyId}/payroll-syncs/${syncId}`)).json;


const awaiting = (s: Scenario, syncId: string, previews = 1) =>
  readUntil('the sync to await approval', () => syncView(s, syncId), (v) => v.status === 'awaiting_approval' && (v.approval?.previews ?? 0) >= previews);

/** Every request that writes to Personio (compensations, compensation types). */
const writes = async () => (await h.admin.listRequests({ method: 'POST' })).filter((r) => !r.path.includes('/auth'));

const decide = (s: Scenario, syncId: string, what: 'approve' | 'reject', body: Record<string, unknown>) => h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs/${syncId}/${what}`, body);

describe('four-eyes approval', () => {
  it('previews and waits without writing; the starter cannot approve; another person can, and Personio then holds exactly the preview', async () => {
    const s = await approvalScenario();
    const noActor = await h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period });
    expect(noActor.status).toBe(422);
    expect(parseApiJson(problemSchema, noActor).json.errors).toEqual([{ field: 'actor', reason: 'required when the company requires approval' }]);

    await h.admin.clearRequests();
    const started = await startSync(h, s, { actor: 'alice@acme.example' });
    const waiting = await awaiting(s, started.syncId);
    expect(waiting.startedBy).toBe('alice@acme.example');
    expect(waiting.links.approve).toBe(`/v1/companies/${s.companyId}/payroll-syncs/${started.syncId}/approve`);
    const preview = await syncView(s, waiting.approval!.previewSyncId);
    expect(preview).toMatchObject({ dryRun: true, previewOf: started.syncId, status: 'succeeded' });
    expect(preview.counts?.wouldCreate).toBe(s.entries.length);
    expect(preview.totals.length).toBe(3);
    // Nothing written: no compensation, no compensation type (two of the three benefits have none yet).
    expect(await writes()).toEqual([]);
    expect(await compensationsOf(h, s.persons)).toEqual([]);
    const [request] = await readUntil('the approval mail', () => mailsTo(`hr@${s.companyId}.example`), (m) => m.some((x) => x.headers['x-payroll-sync-approval'] !== undefined));
    expect(request?.subject).toMatch(/ready for approval/i);

    // The period's lock holds while it waits.
    const second = await h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period, actor: 'carol@acme.example' });
    expect(second.status).toBe(409);
    expect(second.json).toMatchObject({ runningSyncId: started.syncId });

    const self = await decide(s, started.syncId, 'approve', { actor: 'Alice@acme.example' });
    expect(self.status).toBe(409);
    expect(self.json).toMatchObject({ type: 'urn:payroll-sync:problem:four-eyes' });
    expect(await writes()).toEqual([]);

    const approved = await decide(s, started.syncId, 'approve', { actor: 'bob@acme.example', comment: 'checked against the payroll sheet' });
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ accepted: true, status: 'running' });
    const done = await waitForSync(h, s, started);
    expect(done.status).toBe('succeeded');
    expect(done.approval).toMatchObject({ state: 'approved', decidedBy: 'bob@acme.example', comment: 'checked against the payroll sheet' });
    expect(done.counts?.compensationsCreated).toBe(preview.counts?.wouldCreate);
    expect(done.totals.map((t) => [t.benefitKey, t.amountCents])).toEqual(preview.totals.map((t) => [t.benefitKey, t.amountCents]));
    await expectExactlyOnce(h, s);

    const late = await decide(s, started.syncId, 'reject', { actor: 'carol@acme.example' });
    expect(late.status).toBe(409);
    expect(late.json).toMatchObject({ type: 'urn:payroll-sync:problem:not-awaiting-approval' });
  });

  it('rejected: nothing written, status rejected, who and why in the export log; the platform hears of both', async () => {
    const s = await approvalScenario(3);
    const receiver = await startWebhookReceiver();
    const endpoint = await h.apiAs(createdWebhookEndpointSchema, 'PUT', `/v1/webhook-endpoints/approval-${s.companyId}`, {
      url: receiver.url,
      events: ['payroll_sync.awaiting_approval', 'payroll_sync.completed'],
      companyIds: [s.companyId],
    });
    const events = () => receiver.received.map((r) => new Webhook(endpoint.json.secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown> });
    await h.admin.clearRequests();
    const started = await startSync(h, s, { actor: 'alice@acme.example' });
    const waiting = await awaiting(s, started.syncId);
    await receiver.waitFor(1);
    expect(events()[0]).toMatchObject({
      type: 'payroll_sync.awaiting_approval',
      data: { syncId: started.syncId, startedBy: 'alice@acme.example', previewSyncId: waiting.approval?.previewSyncId, links: { approve: `/v1/companies/${s.companyId}/payroll-syncs/${started.syncId}/approve` } },
    });
    // The starter may withdraw their own sync.
    const rejected = await decide(s, started.syncId, 'reject', { actor: 'alice@acme.example', comment: 'wrong month' });
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.json).toMatchObject({ accepted: true, status: 'rejected' });
    const done = await waitForSync(h, s, started);
    expect(done.status).toBe('rejected');
    expect(done.approval).toMatchObject({ state: 'rejected', decidedBy: 'alice@acme.example', comment: 'wrong month' });
    expect(done.links.retry).not.toBeNull();
    expect(await writes()).toEqual([]);
    expect(await compensationsOf(h, s.persons)).toEqual([]);
    await receiver.waitFor(2);
    expect(events()[1]).toMatchObject({ type: 'payroll_sync.completed', data: { syncId: started.syncId, status: 'rejected' } });
    await receiver.close();
  });

  it('entries changed after the preview: the approval is refused as outdated, a new preview is computed, and the approved sync writes the new entries', async () => {
    const s = await approvalScenario(3);
    const started = await startSync(h, s, { actor: 'alice@acme.example' });
    const first = await awaiting(s, started.syncId);
    const changed = s.entries.map((e, i) => (i === 0 ? { ...e, amount: 99.5 } : e));
    await putEntries(h, s, changed);

    const outdated = await decide(s, started.syncId, 'approve', { actor: 'bob@acme.example' });
    expect(outdated.status).toBe(409);
    expect(outdated.json).toMatchObject({ type: 'urn:payroll-sync:problem:preview-outdated' });
    const second = await awaiting(s, started.syncId, 2);
    expect(second.approval?.previewSyncId).not.toBe(first.approval?.previewSyncId);
    expect(await writes()).toEqual([]);

    expect((await decide(s, started.syncId, 'approve', { actor: 'bob@acme.example' })).status).toBe(200);
    expect((await waitForSync(h, s, started)).status).toBe('succeeded');
    await expectExactlyOnce(h, { ...s, entries: changed });
  });
});
