// A mail server that is down: the send is retried, then recorded as failed on the run, and the sync itself
// still succeeds. A later call (SMTP back) sends the summary once.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendSummaryActivity } from '../../activities/send-summary.js';
import { createSmtpMailer } from '../../email/mailer.js';
import { emailReceipts } from '../../db/email-receipts.js';
import { syncDetailSchema } from '../support/api-schemas.js';
import { startHarness, type Harness } from '../support/harness.js';
import { createScenario, expectExactlyOnce, runSync } from '../support/payroll-scenario.js';
import { stack } from '../support/stack.js';
import { mailsTo } from './support.js';

/** A port on which nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ smtpUrl: `smtp://127.0.0.1:${await closedPort()}`, emailRetry: { attempts: 3, baseDelayMs: 50 } });
});
afterAll(async () => {
  await h?.close();
});

describe('summary email with the SMTP server down', () => {
  it('records the failed send on the run, keeps the sync succeeded, and sends once when called again with SMTP back', async () => {
    const s = await createScenario(h, { employees: 3, benefits: 1 });
    const manager = `hr@${s.companyId}.example`;
    const sync = await runSync(h, s);
    expect(sync.status).toBe('succeeded');
    await expectExactlyOnce(h, s);
    expect(sync.email).toMatchObject({ status: 'failed', recipients: [manager], attempts: 3 });
    expect(sync.email!.error).toMatch(/ECONNREFUSED|connect/i);
    const workflow = await h.temporal.workflow.getHandle(sync.workflowId, sync.runId!).describe();
    expect(workflow.status.name).toBe('COMPLETED');
    expect(await mailsTo(manager)).toHaveLength(0);
    expect(await emailReceipts(h.db).findOne({ _id: sync.syncId })).toMatchObject({ status: 'failed', attempts: 3 });

    // The mail server is back: a later call sends the summary, once.
    const down = h.deps.mailer;
    h.deps.mailer = createSmtpMailer({ url: stack().smtpUrl, tlsRejectUnauthorized: true, requireTls: false });
    try {
      const activity = createSendSummaryActivity(h.deps);
      expect(await activity.sendSyncSummary({ syncId: sync.syncId })).toEqual({ status: 'sent' });
      expect(await activity.sendSyncSummary({ syncId: sync.syncId })).toEqual({ status: 'sent' });
    } finally {
      h.deps.mailer.close();
      h.deps.mailer = down;
    }
    const mails = await mailsTo(manager);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.messageId).toBe(`<sync-summary.${sync.syncId}@harness.test>`);
    const view = (await h.apiAs(syncDetailSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs/${sync.syncId}`)).json;
    expect(view.email).toMatchObject({ status: 'sent', recipients: [manager], attempts: 4 });
    expect(view.email!.error).toBeUndefined();
  });

  it('a failed sync with the SMTP server down still ends as the sync’s own failure', async () => {
    const s = await createScenario(h, { employees: 2, benefits: 1 });
    await h.admin.setCredentials({ clientId: `client-${s.companyId}`, clientSecret: `secret-${s.companyId}-s3cr3t`, scopes: ['personio:persons:read', 'personio:compensations:read'] });
    const sync = await runSync(h, s);
    expect(sync.status).toBe('failed');
    expect(sync.email).toMatchObject({ status: 'failed', attempts: 3 });
  });
});
