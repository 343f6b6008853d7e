// Credential health on the real stack: the per-company health schedule, the connection status on the company,
// one mail per change (broken, restored), and a sync on a broken connection that stops in seconds with the reason.
import { ScheduleNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHealthSchedules } from '../../api/connection-health-schedules.js';
import { connectionHealthScheduleId } from '../../contracts/ids.js';
import { ALL_SCOPES } from '../../sandbox/index.js';
import { mailsTo } from '../email/support.js';
import { Webhook } from 'standardwebhooks';
import { companySchema, connectionTestFinishedSchema, createdWebhookEndpointSchema } from '../support/api-schemas.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createScenario, expectExactlyOnce, putEntries, runSync, startSync, waitForSync, type Scenario } from '../support/payroll-scenario.js';
import { readUntil } from '../support/eventually.js';

let h: Harness;
let s: Scenario;
let manager: string;
let receiver: WebhookReceiver;
let secret: string;
const clientId = () => `client-${s.companyId}`;
const clientSecret = () => `secret-${s.companyId}-s3cr3t`;

beforeAll(async () => {
  h = await startHarness();
  s = await createScenario(h, { employees: 3 });
  manager = `hr@${s.companyId}.example`;
  receiver = await startWebhookReceiver();
  const endpoint = await h.apiAs(createdWebhookEndpointSchema, 'PUT', `/v1/webhook-endpoints/health-${s.companyId}`, {
    url: receiver.url,
    events: ['personio_connection.broken', 'personio_connection.restored', 'payroll_sync.completed', 'payroll_sync.failed'],
    companyIds: [s.companyId],
  });
  secret = endpoint.json.secret;
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

/** The events the platform received, verified with the endpoint's secret, as `{type, timestamp, data}`. */
const events = () =>
  receiver.received.map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown> });

const company = async () => (await h.apiAs(companySchema, 'GET', `/v1/companies/${s.companyId}`)).json;
const connectionTest = async () => (await h.apiAs(connectionTestFinishedSchema, 'POST', `/v1/companies/${s.companyId}/connection-test`)).json;
const alertMails = async () => (await mailsTo(manager)).filter((m) => m.headers['x-payroll-sync-connection'] !== undefined);


describe('credential health', () => {
  it('keeps a health schedule: daily, plus a check three hours before the scheduled export, in the company’s time zone', async () => {
    const handle = h.temporal.schedule.getHandle(connectionHealthScheduleId(s.companyId));
    const daily = await handle.describe();
    expect(daily.spec.timezone).toBe('Europe/Berlin');
    expect(daily.spec.calendars).toHaveLength(1);
    expect(daily.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 6, end: 6, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
    expect(daily.action.type === 'startWorkflow' ? daily.action.taskQueue : null).toBe(h.interactiveTaskQueue);

    expect((await h.api('PUT', `/v1/companies/${s.companyId}/payroll-schedule`, { dayOfMonth: 5, hour: 10, minute: 30, timezone: 'Europe/Vienna' })).status).toBe(200);
    const withExport = await handle.describe();
    expect(withExport.spec.timezone).toBe('Europe/Vienna');
    expect(withExport.spec.calendars?.[1]).toMatchObject({ dayOfMonth: [{ start: 5, end: 5, step: 1 }], hour: [{ start: 7, end: 7, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });

    expect((await h.api('DELETE', `/v1/companies/${s.companyId}/payroll-schedule`)).status).toBe(204);
    expect((await handle.describe()).spec.calendars).toHaveLength(1);
  });

  it('is unknown until a test decides it; the scheduled check marks it ok without any mail', async () => {
    expect((await company()).personioConnection).toEqual({ status: 'unknown', checkedAt: null, failingChecks: [], since: null });
    await h.temporal.schedule.getHandle(connectionHealthScheduleId(s.companyId)).trigger();
    const checked = await readUntil('the scheduled check', company, (c) => c.personioConnection.status !== 'unknown');
    expect(checked.personioConnection).toMatchObject({ status: 'ok', failingChecks: [] });
    expect(await alertMails()).toHaveLength(0);
  });

  it('revoked in Personio: the check marks it broken, one mail however often it is tested, and a sync stops in seconds with the reason', async () => {
    await h.admin.deleteCredentials(clientId());
    await h.temporal.schedule.getHandle(connectionHealthScheduleId(s.companyId)).trigger();
    const broken = await readUntil('the broken status', company, (c) => c.personioConnection.status === 'broken');
    expect(broken.personioConnection.failingChecks).toContain('credentials');
    const [mail] = await readUntil('the broken mail', alertMails, (m) => m.length > 0);
    expect(mail?.subject).toContain('Die Personio-Verbindung von');
    expect(mail?.text).toContain('Personio hat Client-ID oder Secret abgelehnt');
    await receiver.waitFor(1);
    expect(events()[0]).toMatchObject({ type: 'personio_connection.broken', data: { companyId: s.companyId, status: 'broken', failingChecks: expect.arrayContaining(['credentials']) } });

    // Tested again, by hand and by the schedule: still broken, no second mail.
    expect((await connectionTest()).personioConnection?.status).toBe('broken');
    await h.temporal.schedule.getHandle(connectionHealthScheduleId(s.companyId)).trigger();
    await readUntil('a later check', company, (c) => c.personioConnection.checkedAt !== broken.personioConnection.checkedAt);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await alertMails()).toHaveLength(1);

    await putEntries(h, s, s.entries);
    await h.admin.clearRequests();
    const startedAt = Date.now();
    const started = await startSync(h, s);
    const view = await waitForSync(h, s, started);
    const tookMs = Date.now() - startedAt;
    expect(view.status).toBe('failed');
    expect(view.failure).toMatchObject({ type: 'PersonioConnectionBroken' });
    expect(view.failure?.message).toBe('The Personio connection is broken: nothing was read or written. Fix it in Personio and test the connection.');
    expect(tookMs).toBeLessThan(15_000); // Seconds, not the minutes of retrying refusals (generous for a slow machine).
    await receiver.waitFor(2);
    expect(events()[1]).toMatchObject({ type: 'payroll_sync.failed', data: { syncId: started.syncId, status: 'failed', failureType: 'PersonioConnectionBroken' } });
    expect(receiver.received[1]?.body).not.toContain('@'); // no email address of anyone
    // Only the re-test's token request reached Personio: nothing was read for the sync, nothing written.
    const requests = await h.admin.listRequests();
    expect(requests.filter((r) => r.method === 'POST' && r.path.includes('compensations'))).toHaveLength(0);
    expect(requests.filter((r) => r.path.includes('/persons'))).toHaveLength(0);
  });

  it('restored: ok again, one "works again" mail, and syncs go on', async () => {
    await h.admin.setCredentials({ clientId: clientId(), clientSecret: clientSecret(), scopes: [...ALL_SCOPES] });
    const result = await connectionTest();
    expect(result.personioConnection).toMatchObject({ status: 'ok', failingChecks: [] });
    const mails = await readUntil('the restored mail', alertMails, (m) => m.length >= 2);
    expect(mails.map((m) => m.subject)).toEqual([expect.stringContaining('funktioniert nicht mehr'), expect.stringContaining('funktioniert wieder')]);
    expect(mails[1]?.headers['x-payroll-sync-connection']).toContain('restored');
    await connectionTest();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await alertMails()).toHaveLength(2);

    const view = await runSync(h, s);
    expect(view.status).toBe('succeeded');
    await expectExactlyOnce(h, s);

    // One event per change and one per sync outcome, none more.
    await receiver.waitFor(4);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(events().map((e) => e.type)).toEqual(['personio_connection.broken', 'payroll_sync.failed', 'personio_connection.restored', 'payroll_sync.completed']);
    expect(events()[2]?.data).toMatchObject({ status: 'ok', failingChecks: [], brokenSince: expect.any(String) });
    expect(events()[3]?.data).toMatchObject({ syncId: view.syncId, status: 'succeeded', counts: expect.objectContaining({ entries: s.entries.length }) });
  });

  it('a company without credentials has no health schedule', async () => {
    const companyId = `no-creds-${Date.now().toString(36)}`;
    expect((await h.api('PUT', `/v1/companies/${companyId}`, { name: 'No credentials', managerEmails: ['x@example.com'] })).status).toBe(200);
    await expect(h.temporal.schedule.getHandle(connectionHealthScheduleId(companyId)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('a company connected before health checks existed gets its schedule when the API starts (ensureHealthSchedules)', async () => {
    const companyId = `older-${Date.now().toString(36)}`;
    expect((await h.api('PUT', `/v1/companies/${companyId}`, { name: 'Older', managerEmails: ['x@example.com'] })).status).toBe(200);
    // Stored the way the API stored credentials before, without a health schedule.
    await h.db.collection('personio_credentials').insertOne({ _id: companyId as never, clientId: 'older', clientSecret: { keyId: 'x', iv: 'x', tag: 'x', ciphertext: 'x' }, updatedAt: new Date() });
    const handle = h.temporal.schedule.getHandle(connectionHealthScheduleId(companyId));
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    const ctx = { temporal: h.temporal, interactiveTaskQueue: h.interactiveTaskQueue };
    expect(await ensureHealthSchedules(ctx, h.db)).toBeGreaterThanOrEqual(1);
    expect((await handle.describe()).spec.calendars).toHaveLength(1);
    expect(await ensureHealthSchedules(ctx, h.db)).toBe(0);
  });
});
