// The summary email end to end: a real sync through Temporal and the worker, the mail caught by the
// stack's SMTP catcher, the preview route, and the idempotency of the send.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendSummaryActivity } from '../../activities/send-summary.js';
import { syncRunCollections, type SyncRunDoc } from '../../db/sync-runs.js';
import { claimReceipt, emailReceipts, settleReceipt } from '../../db/email-receipts.js';
import { formatMoney } from '../../email/format.js';
import { problemSchema, syncDetailSchema } from '../support/api-schemas.js';
import { HARNESS_PLATFORM_BASE_URL, parseApiJson, startHarness, type Harness } from '../support/harness.js';
import { ALL_SCOPES } from '../../sandbox/index.js';
import { amountFor, BENEFITS } from '../../dev/sample-benefits.js';
import { createScenario, putEntries, runSync, startSync, waitForSync, type Scenario } from '../support/payroll-scenario.js';
import { mailsTo, plain } from './support.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const manager = (s: Scenario) => `hr@${s.companyId}.example`;

async function putCompany(s: Scenario, body: { name: string; locale: 'de' | 'en'; managerEmails?: string[] }) {
  const res = await h.api('PUT', `/v1/companies/${s.companyId}`, { managerEmails: [manager(s)], ...body });
  expect(res.status, res.text).toBe(200);
}

const centsOf = (amount: string | number) => Math.round(Number(amount) * 100);

describe('summary email', () => {
  it('a clean sync: one German mail to the manager with counts, totals, new types and the export-log link', async () => {
    const s = await createScenario(h, { employees: 4 });
    await putCompany(s, { name: 'Müller & Söhne GmbH', locale: 'de' });
    const sync = await runSync(h, s);
    expect(sync.status).toBe('succeeded');

    const mails = await mailsTo(manager(s));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual([manager(s)]);
    expect(mail.from).toBe('payroll-sync@harness.test');
    expect(mail.subject).toBe('Lohnexport Oktober 2026 – Müller & Söhne GmbH: alles übertragen');
    expect(mail.messageId).toBe(`<sync-summary.${sync.syncId}@harness.test>`);
    expect(mail.headers['auto-submitted']).toMatch(/auto-generated/);

    const text = plain(mail.text);
    expect(text).toContain('Alles übertragen: Alle Beträge sind in Personio.');
    expect(text).toContain('- Mitarbeitende: 4');
    expect(text).toContain('- Vergütungen angelegt: 12');
    expect(text).toContain('- Bereits in Personio vorhanden: 0');
    expect(text).toContain('- Fehlgeschlagen: 0');
    expect(text).toContain('- Nicht zugeordnete Mitarbeitende: 0');
    let overall = 0;
    for (let b = 0; b < 3; b++) {
      const cents = [0, 1, 2, 3].reduce((sum, e) => sum + centsOf(amountFor(e, b)), 0);
      overall += cents;
      const money = plain(formatMoney(cents, 'EUR', 'de'));
      expect(text).toContain(`- ${BENEFITS[b]!.benefitName} ${s.companyId}: ${money} (Übertragen: ${money})`);
      expect(plain(mail.html)).toContain(money);
    }
    expect(text).toContain(`= Gesamt: ${plain(formatMoney(overall, 'EUR', 'de'))}`);
    expect(text).not.toContain('Was zu tun ist');
    // The two unmapped benefits were created as compensation types: each must be mapped to a wage type.
    expect(text).toContain('Neu angelegte Vergütungsarten');
    expect(text).toMatch(/einer Lohnart zuordnen/);
    expect(text).toContain(`- Mobilitätsbudget ${s.companyId} (ID `);
    expect(text).toContain(`- Internetpauschale ${s.companyId} (ID `);
    expect(text).not.toContain(`- Essenszuschuss ${s.companyId} (ID `);
    const logUrl = `${HARNESS_PLATFORM_BASE_URL}/companies/${s.companyId}/payroll-syncs/${sync.syncId}`;
    expect(text).toContain(`Exportprotokoll: ${logUrl}`);
    expect(mail.html).toContain(`href="${logUrl}"`);
    expect(mail.html).toContain('<html lang="de"');
    expect(mail.html).toContain('Exportprotokoll öffnen');

    // Recorded on the run and shown in the sync's view.
    const view = (await h.apiAs(syncDetailSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs/${sync.syncId}`)).json;
    expect(view.email).toMatchObject({ status: 'sent', recipients: [manager(s)], attempts: 1 });
    expect(Date.parse(view.email!.at)).toBeGreaterThan(0);

    // The preview route renders the very same mail.
    const preview = await h.api('GET', `/v1/companies/${s.companyId}/payroll-syncs/${sync.syncId}/summary-email`);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(preview.headers.get('content-security-policy')).toContain("default-src 'none'");
    // Only the link base differs: the API takes it from its own config (PLATFORM_BASE_URL), the harness worker from its deps.
    const norm = (html: string) => html.replace(/\r\n/g, '\n').replace(/https?:\/\/[^/"\s]+\/companies\//g, 'BASE/companies/').trim();
    expect(norm(preview.text)).toBe(norm(mail.html));
    const textPreview = await h.api('GET', `/v1/companies/${s.companyId}/payroll-syncs/${sync.syncId}/summary-email?format=text`);
    expect(textPreview.status).toBe(200);
    expect(textPreview.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(norm(textPreview.text)).toBe(norm(mail.text));
  });

  it('a sync with problems, in English: every manager, the outcome, and what to do about each problem', async () => {
    const s = await createScenario(h, { employees: 3, benefits: 1 });
    const second = `payroll.${s.companyId}@example.net`;
    await putCompany(s, { name: 'Acme Ltd', locale: 'en', managerEmails: [manager(s), second] });
    await putEntries(h, s, [...s.entries, { employeeEmail: `nobody.${s.companyId}@example.org`, benefitKey: 'meal', amount: '10.00' }]);
    const first = await runSync(h, s);
    expect(first.status).toBe('partially_failed');
    // Lowered after the export: Personio holds more than now due.
    const lowered = s.entries.map((e, i) => (i === 1 ? { ...e, amount: (Number(e.amount) - 1).toFixed(2) } : e));
    await putEntries(h, s, [...lowered, { employeeEmail: `nobody.${s.companyId}@example.org`, benefitKey: 'meal', amount: '10.00' }]);
    const sync = await runSync(h, s);
    expect(sync.status).toBe('partially_failed');
    expect(sync.counts).toMatchObject({ needsManualCorrection: 1, employeesUnmatched: 1 });

    const mails = (await mailsTo(manager(s))).filter((m) => m.messageId?.includes(sync.syncId));
    expect(mails).toHaveLength(1);
    expect((await mailsTo(manager(s))).length).toBe(2); // one per sync
    const mail = mails[0]!;
    expect(mail.to.sort()).toEqual([manager(s), second].sort());
    expect(mail.envelopeTo.sort()).toEqual([manager(s), second].sort());
    expect(mail.subject).toBe('Payroll export October 2026 – Acme Ltd: transferred with problems');
    const text = plain(mail.text);
    expect(text).toContain('Transferred with problems: 2 entries were not transferred or need a correction.');
    expect(text).toContain('- Employees: 4');
    expect(text).toContain('- Already in Personio: 2');
    expect(text).toContain('- Manual correction needed: 1');
    expect(text).toContain('- Employees not matched: 1');

    expect(text).toContain('Amount lowered after the export (1 entry)');
    expect(text).toContain('Correct the amount in Personio by hand.');
    const due = centsOf(lowered[1]!.amount);
    expect(text).toContain(
      `- Emp1 ${s.companyId} (emp1.${s.companyId}@example.com) – Essenszuschuss ${s.companyId} – ${plain(formatMoney(due, 'EUR', 'en'))} (in Personio: ${plain(formatMoney(due + 100, 'EUR', 'en'))}, now due: ${plain(formatMoney(due, 'EUR', 'en'))})`,
    );
    expect(text).toContain('Employee not found in Personio (1 entry)');
    expect(text).toContain('Check the email address in Personio');
    expect(text).toContain(`- nobody.${s.companyId}@example.org – Essenszuschuss ${s.companyId} – €10.00`);
    // Manual corrections come before unmatched employees.
    expect(text.indexOf('Amount lowered')).toBeLessThan(text.indexOf('Employee not found'));
    expect(mail.html).toContain('<html lang="en"');
    expect(mail.html).toContain('Open the export log');
    expect(mail.html).toContain(`nobody.${s.companyId}@example.org`);
  });

  it('a failed sync for a missing permission, in German: names the right to grant', async () => {
    const s = await createScenario(h, { employees: 2, benefits: 1 });
    await putCompany(s, { name: 'Ohne Schreibrecht AG', locale: 'de' });
    await h.admin.setCredentials({
      clientId: `client-${s.companyId}`,
      clientSecret: `secret-${s.companyId}-s3cr3t`,
      scopes: ['personio:persons:read', 'personio:compensations:read'],
    });
    const sync = await runSync(h, s);
    expect(sync.status).toBe('failed');
    expect(sync.counts!.failed).toBe(2);
    const [mail, ...more] = await mailsTo(manager(s));
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe('Lohnexport Oktober 2026 – Ohne Schreibrecht AG: fehlgeschlagen');
    const text = plain(mail!.text);
    expect(text).toContain('Fehlgeschlagen: Der Export wurde nicht abgeschlossen.');
    expect(text).toContain('Recht fehlt in Personio (2 Einträge)');
    expect(text).toContain('das Recht „Vergütungen schreiben“ (personio:compensations:write) erteilen');
    expect(text).toContain(`- Emp0 ${s.companyId} (emp0.${s.companyId}@example.com)`);
    expect(mail!.html).toContain('das Recht „Vergütungen schreiben“ (personio:compensations:write) erteilen');
    expect((await h.apiAs(syncDetailSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs/${sync.syncId}`)).json.email).toMatchObject({ status: 'sent' });
  });

  it('a sync that fails as a whole (credentials rejected) still mails the managers, with the reason and the fix', async () => {
    const s = await createScenario(h, { employees: 2, benefits: 1 });
    await putCompany(s, { name: 'Rotated Secrets Ltd', locale: 'en' });
    await h.admin.setCredentials({ clientId: `client-${s.companyId}`, clientSecret: 'a-rotated-secret-personio-knows', scopes: [...ALL_SCOPES] });
    const sync = await runSync(h, s);
    expect(sync.status).toBe('failed');
    expect(sync.failure).toMatchObject({ type: 'Personio.credentials_rejected', message: 'Personio rejected the API credentials.' });
    const [mail, ...more] = await mailsTo(manager(s));
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe('Payroll export October 2026 – Rotated Secrets Ltd: failed');
    const text = plain(mail!.text);
    expect(text).toContain('Failed: The export did not complete.');
    expect(text).toContain('Why the export failed');
    expect(text).toContain('Personio rejected the credentials. Check the API credentials in Personio');
    expect(text).toContain(`(${sync.failure!.message})`);
    expect(text).not.toContain(`secret-${s.companyId}-s3cr3t`);
    expect(sync.email).toMatchObject({ status: 'sent', recipients: [manager(s)] });
  });

  it('names with HTML or script arrive as text: escaped in the HTML part, literal in the text part', async () => {
    const evilEmail = `evil.${Date.now()}@example.org`;
    const s = await createScenario(h, {
      employees: 1,
      benefits: 1,
      extraPersons: [{ email: evilEmail, first_name: '<img src=x onerror=alert(1)>', last_name: '</td></tr></table>', status: 'INACTIVE' }],
    });
    const companyName = `Acme <script>alert("co")</script> & "Co" 'Ltd'`;
    const benefitName = `<b>Meal</b><script>alert('b')</script>`;
    await putCompany(s, { name: companyName, locale: 'en' });
    const mapped = await h.api('PUT', `/v1/companies/${s.companyId}/benefit-mappings`, [{ benefitKey: 'meal', benefitName, compensationTypeId: s.mappedTypeId }]);
    expect(mapped.status, mapped.text).toBe(200);
    await putEntries(h, s, [...s.entries, { employeeEmail: evilEmail, benefitKey: 'meal', amount: '5.00' }]);
    const sync = await runSync(h, s);
    expect(sync.status).toBe('partially_failed');

    const [mail] = await mailsTo(manager(s));
    expect(mail!.subject).toBe(`Payroll export October 2026 – ${companyName}: transferred with problems`);
    // Text part: literal.
    expect(mail!.text).toContain(companyName);
    expect(mail!.text).toContain(benefitName);
    expect(mail!.text).toContain(`<img src=x onerror=alert(1)> </td></tr></table> (${evilEmail})`);
    // HTML part: only ever as escaped text.
    const html = mail!.html;
    for (const raw of ['<script>alert', '<img src=x', '<b>Meal</b>', '</td></tr></table> (']) expect(html).not.toContain(raw);
    expect(html.match(/<script/gi) ?? []).toHaveLength(0);
    expect(html).toContain('Acme &lt;script&gt;alert(&quot;co&quot;)&lt;/script&gt; &amp; &quot;Co&quot; &#39;Ltd&#39;');
    expect(html).toContain('&lt;b&gt;Meal&lt;/b&gt;&lt;script&gt;alert(&#39;b&#39;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;');
    // The title (head) is escaped too.
    expect(html).toMatch(/<title>Payroll export October 2026 – Acme &lt;script&gt;/);
  });

  it('a dry run sends no mail', async () => {
    const s = await createScenario(h, { employees: 2, benefits: 1 });
    const dry = await runSync(h, s, { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.email).toBeNull();
    expect(await mailsTo(manager(s))).toHaveLength(0);
    expect(await createSendSummaryActivity(h.deps).sendSyncSummary({ syncId: dry.syncId })).toEqual({ status: 'skipped' });
    expect(await mailsTo(manager(s))).toHaveLength(0);
  });
});

describe('summary email idempotency', () => {
  it('calling the activity again, in sequence or at once, sends no second mail', async () => {
    const s = await createScenario(h, { employees: 2, benefits: 1 });
    const sync = await runSync(h, s);
    expect(await mailsTo(manager(s))).toHaveLength(1);
    const activity = createSendSummaryActivity(h.deps);
    expect(await activity.sendSyncSummary({ syncId: sync.syncId })).toEqual({ status: 'sent' });
    expect(await activity.sendSyncSummary({ syncId: sync.syncId })).toEqual({ status: 'sent' });
    const again = await Promise.all([1, 2, 3].map(() => activity.sendSyncSummary({ syncId: sync.syncId })));
    expect(again.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(await mailsTo(manager(s))).toHaveLength(1);
    const receipt = await emailReceipts(h.db).findOne({ _id: sync.syncId });
    expect(receipt).toMatchObject({ status: 'sent', attempts: 1, messageId: `<sync-summary.${sync.syncId}@harness.test>`, recipients: [manager(s)] });
  });

  it('concurrent first sends of one sync: exactly one mail', async () => {
    const s = await createScenario(h, { employees: 2, benefits: 1 });
    const sync = await runSync(h, s);
    const runs = syncRunCollections(h.db).syncRuns;
    const original = (await runs.findOne({ _id: sync.syncId })) as SyncRunDoc;
    // A second finished run of the same company whose summary was never sent (as after a crash before the claim).
    const twinId = randomUUID();
    await runs.insertOne({ ...original, _id: twinId, email: undefined } as SyncRunDoc);
    const activity = createSendSummaryActivity(h.deps);
    const results = await Promise.all([1, 2, 3, 4].map(() => activity.sendSyncSummary({ syncId: twinId })));
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    const twinMails = (await mailsTo(manager(s))).filter((m) => m.messageId === `<sync-summary.${twinId}@harness.test>`);
    expect(twinMails).toHaveLength(1);
    expect((await runs.findOne({ _id: twinId }))?.email).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('takes over a claim whose attempt died (expired lease), and waits for a live one', async () => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    const sync = await runSync(h, s);
    const runs = syncRunCollections(h.db).syncRuns;
    const original = (await runs.findOne({ _id: sync.syncId })) as SyncRunDoc;
    const receipts = emailReceipts(h.db);

    // A worker died after claiming, before (or after) the SMTP send: the lease has run out.
    const deadId = randomUUID();
    await runs.insertOne({ ...original, _id: deadId, email: undefined } as SyncRunDoc);
    const long = new Date(Date.now() - 10 * 60_000);
    await receipts.insertOne({
      _id: deadId,
      kind: 'sync-summary',
      companyId: s.companyId,
      status: 'pending',
      messageId: `<sync-summary.${deadId}@harness.test>`,
      recipients: [manager(s)],
      attempts: 1,
      claimToken: 'dead-worker',
      claimedAt: long,
      createdAt: long,
      updatedAt: long,
    });
    expect(await createSendSummaryActivity(h.deps).sendSyncSummary({ syncId: deadId })).toEqual({ status: 'sent' });
    expect((await mailsTo(manager(s))).filter((m) => m.messageId === `<sync-summary.${deadId}@harness.test>`)).toHaveLength(1);
    expect(await receipts.findOne({ _id: deadId })).toMatchObject({ status: 'sent', attempts: 2 });

    // A live claim: a second claimer waits until the first settles, then learns it was sent.
    const liveId = randomUUID();
    const init = { _id: liveId, companyId: s.companyId, messageId: `<x.${liveId}@t>`, recipients: ['a@b.example'] };
    const first = await claimReceipt(receipts, init);
    expect(first.kind).toBe('claimed');
    let settled = false;
    const second = claimReceipt(receipts, init, { pollMs: 20 }).then((r) => ({ ...r, afterSettle: settled }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    settled = true;
    await settleReceipt(receipts, first.receipt, { status: 'sent', attempts: 1, smtpResponse: '250 ok', at: new Date() });
    const result = await second;
    expect(result).toMatchObject({ kind: 'sent', afterSettle: true });
  });
});

describe('summary email preview route', () => {
  it('answers 404 problems for an unknown sync or company', async () => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    const unknownSync = await h.apiAs(problemSchema, 'GET', `/v1/companies/${s.companyId}/payroll-syncs/${randomUUID()}/summary-email`);
    expect(unknownSync.status).toBe(404);
    expect(unknownSync.headers.get('content-type')).toContain('application/problem+json');
    expect(unknownSync.json.errors).toEqual([{ field: 'syncId', reason: 'unknown sync' }]);
    const unknownCompany = await h.apiAs(problemSchema, 'GET', `/v1/companies/no-such-company/payroll-syncs/${randomUUID()}/summary-email`);
    expect(unknownCompany.status).toBe(404);
    expect(unknownCompany.json.errors).toEqual([{ field: 'companyId', reason: 'unknown company' }]);
    // Another company's sync is not found through this company.
    const other = await createScenario(h, { employees: 1, benefits: 1 });
    const sync = await runSync(h, other);
    const cross = await h.api('GET', `/v1/companies/${s.companyId}/payroll-syncs/${sync.syncId}/summary-email`);
    expect(cross.status).toBe(404);
    const badFormat = await h.api('GET', `/v1/companies/${other.companyId}/payroll-syncs/${sync.syncId}/summary-email?format=pdf`);
    expect(badFormat.status).toBe(400);
  });

  it('a sync awaiting approval has no summary yet (409, like a running one); once rejected it renders', async () => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    const put = await h.api('PUT', `/v1/companies/${s.companyId}`, { name: `Approval ${s.companyId}`, managerEmails: [manager(s)], locale: 'en', approval: 'required' });
    expect(put.status, put.text).toBe(200);
    const started = await startSync(h, s, { actor: 'alice@acme.example' });
    const path = `/v1/companies/${s.companyId}/payroll-syncs/${started.syncId}`;
    for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 250))) {
      const view = parseApiJson(syncDetailSchema, await h.api('GET', path)).json;
      if (view.status === 'awaiting_approval' && view.approval) break;
      if (Date.now() > deadline) throw new Error(`the sync does not await approval: ${view.status}`);
    }

    const waiting = await h.api('GET', `${path}/summary-email`);
    expect(waiting.status).toBe(409);
    expect(parseApiJson(problemSchema, waiting).json.detail).toContain('is awaiting approval');
    expect(waiting.json).toMatchObject({ runningSyncId: started.syncId, syncStatus: 'awaiting_approval' });

    expect((await h.api('POST', `${path}/reject`, { actor: 'bob@acme.example', comment: 'wrong month' })).status).toBe(200);
    expect((await waitForSync(h, s, started)).status).toBe('rejected');
    const rejected = await h.api('GET', `${path}/summary-email?format=text`);
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.text).toContain('bob@acme.example');
  });
});
