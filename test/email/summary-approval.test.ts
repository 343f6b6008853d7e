// The summary email of a sync that required approval: rejected and expired are their own outcomes (nothing
// written), not failures; an approved sync names who approved it, when, and who started it.
import { describe, expect, it } from 'vitest';
import type { ApprovalRecord } from '../../db/sync-runs.js';
import { renderSyncSummary } from '../../email/render.js';
import { buildSummaryModel, type SummaryInput } from '../../email/summary-model.js';

const approval: ApprovalRecord = {
  state: 'awaiting_approval',
  previewSyncId: 'preview-1',
  previewedAt: new Date('2026-11-02T08:01:00Z'),
  previews: 1,
  entrySetId: 'set-1',
  mappingVersion: 3,
  expiresAt: new Date('2026-11-05T08:01:00Z'),
};

const run: SummaryInput['run'] = {
  _id: 'sync-1',
  companyId: 'acme',
  period: '2026-10',
  status: 'succeeded',
  currency: 'EUR',
  finishedAt: new Date('2026-11-03T10:00:00Z'),
  startedBy: 'anna@acme.example',
  trigger: 'api',
  counts: {
    entries: 2,
    employees: 2,
    employeesMatched: 2,
    employeesUnmatched: 0,
    employeesInactive: 0,
    compensationsCreated: 2,
    alreadyPresent: 0,
    corrections: 0,
    needsManualCorrection: 0,
    failed: 0,
    entriesNotMatched: 0,
    entriesPending: 0,
    wouldCreate: 0,
    wouldCorrect: 0,
  },
  totals: [{ benefitKey: 'meal', benefitName: 'Essenszuschuss', compensationTypeId: 't1', entries: 2, amountCents: 20_000, transferredCents: 20_000 }],
};

const noProblems = { shown: [], total: 0, byKind: {} };
const render = (r: SummaryInput['run'], locale: 'de' | 'en') =>
  renderSyncSummary({ run: r, company: { name: 'Acme <GmbH>', locale, timezone: 'Europe/Berlin' }, problems: noProblems, logUrl: 'https://p.example/x' });

const rejected: SummaryInput['run'] = {
  ...run,
  status: 'rejected',
  counts: undefined,
  totals: undefined,
  approval: { ...approval, state: 'rejected', decidedBy: 'ben@acme.example', decidedAt: new Date('2026-11-03T09:59:00Z'), comment: 'Meal amounts <too high>, please check' },
};
const expired: SummaryInput['run'] = { ...run, status: 'expired', counts: undefined, totals: undefined, approval: { ...approval, state: 'expired' } };

describe('summary email of a sync that required approval', () => {
  it('a rejected sync, in English: who rejected it, that nothing was written, the comment; no numbers', async () => {
    const mail = await render(rejected, 'en');
    expect(mail.subject).toBe('Payroll export October 2026 – Acme <GmbH>: rejected');
    expect(mail.text).toContain('✕ Rejected by ben@acme.example: nothing was written to Personio.');
    expect(mail.text).toContain('Comment: “Meal amounts <too high>, please check”');
    expect(mail.text).toContain('Started by anna@acme.example');
    expect(mail.text).not.toContain('Numbers');
    expect(mail.text).not.toContain('Totals');
    expect(mail.text).not.toContain('Failed');
    expect(mail.html).toContain('Rejected by ben@acme.example:');
    expect(mail.html).toContain('Meal amounts &lt;too high&gt;, please check');
    expect(mail.html).not.toContain('Why the export failed');
  });

  it('a rejected sync, in German', async () => {
    const mail = await render(rejected, 'de');
    expect(mail.subject).toBe('Lohnexport Oktober 2026 – Acme <GmbH>: abgelehnt');
    expect(mail.text).toContain('Abgelehnt von ben@acme.example: Es wurde nichts in Personio geschrieben.');
    expect(mail.text).toContain('Kommentar: „Meal amounts <too high>, please check“');
    expect(mail.text).toContain('Gestartet von anna@acme.example');
    expect(mail.text).not.toContain('Fehlgeschlagen');
    expect(mail.text).not.toContain('Summen');
  });

  it('a rejection without a comment says no comment', () => {
    const model = buildSummaryModel({ run: { ...rejected, approval: { ...rejected.approval!, comment: '  ' } }, company: { name: 'Acme', locale: 'en' }, problems: noProblems, logUrl: 'x' });
    expect(model.context.decisionComment).toBe('');
  });

  it('an expired sync, in both languages: not approved in time, nothing written, the deadline in the company zone', async () => {
    const en = await render(expired, 'en');
    expect(en.subject).toBe('Payroll export October 2026 – Acme <GmbH>: not approved in time');
    expect(en.text).toContain('Not approved in time: nothing was written to Personio. Nobody approved the export by 5 Nov 2026, 09:01;');
    expect(en.text).not.toContain('Comment');
    expect(en.html).toContain('Not approved in time:');
    const de = await render(expired, 'de');
    expect(de.subject).toBe('Lohnexport Oktober 2026 – Acme <GmbH>: nicht rechtzeitig freigegeben');
    expect(de.text).toContain('Nicht rechtzeitig freigegeben: Es wurde nichts in Personio geschrieben. Niemand hat den Export bis 05.11.2026, 09:01 freigegeben;');
    expect(de.text).not.toContain('Fehlgeschlagen');
  });

  it('an approved sync that succeeded names who approved it, when, who started it, and the approver’s comment', async () => {
    const approved = { ...run, approval: { ...approval, state: 'approved' as const, decidedBy: 'ben@acme.example', decidedAt: new Date('2026-11-03T09:00:00Z') } };
    const en = await render(approved, 'en');
    expect(en.subject).toBe('Payroll export October 2026 – Acme <GmbH>: all transferred');
    expect(en.text).toContain('Approved by ben@acme.example on 3 Nov 2026, 10:00 (started by anna@acme.example)');
    expect(en.text).toContain('All transferred: Every amount is in Personio.');
    expect(en.text).toContain('- Compensations created: 2');
    expect(en.text).not.toContain('Comment');
    const withComment = await render({ ...approved, approval: { ...approved.approval, comment: 'Checked against the October list' } }, 'en');
    expect(withComment.text).toContain('Comment: “Checked against the October list”');
    const de = await render({ ...approved, startedBy: 'schedule', trigger: 'schedule' }, 'de');
    expect(de.text).toContain('Freigegeben von ben@acme.example am 03.11.2026, 10:00 (vom Zeitplan gestartet)');
    expect(de.html).toContain('Freigegeben von ben@acme.example am 03.11.2026, 10:00');
  });

  it('a sync without approval says nothing about approvals', async () => {
    const mail = await render(run, 'en');
    expect(mail.text).not.toMatch(/Approved by|Started by/);
  });
});
