// The escaping template language, the summary model (problems, cap, advice) and the compiled templates.
import { describe, expect, it } from 'vitest';
import type { SyncRunDoc } from '../../db/sync-runs.js';
import { renderSyncSummary } from '../../email/render.js';
import { buildSummaryModel, classifyProblem, createProblemCollector, MAX_PROBLEM_LINES, type ProblemEntry, type SummaryInput } from '../../email/summary-model.js';
import { compileTemplate, escapeHtml, noEscape, TemplateError } from '../../email/template.js';

describe('template language', () => {
  it('escapes every value in HTML mode and leaves text mode literal', () => {
    const source = '<p title="{{name}}">{{name}}</p>';
    const value = `<script>alert("x")</script> & 'quotes'`;
    expect(compileTemplate(source, escapeHtml)({ name: value })).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>',
    );
    expect(compileTemplate('{{name}}', noEscape)({ name: value })).toBe(value);
  });

  it('does not re-interpret tags that arrive inside values', () => {
    expect(compileTemplate('{{a}}', noEscape)({ a: '{{b}}', b: 'leak' })).toBe('{{b}}');
  });

  it('loops, branches and resolves names outwards', () => {
    const t = compileTemplate('{{#each items}}[{{label}}:{{value}}{{#if unit}} {{unit}}{{/if}}]{{/each}}{{#unless items}}none{{/unless}}', noEscape);
    expect(t({ items: [{ label: 'a', value: 1 }, { label: 'b', value: 2 }], unit: 'pcs' })).toBe('[a:1 pcs][b:2 pcs]');
    expect(t({ items: [], unit: '' })).toBe('none');
    expect(compileTemplate('{{#if x}}yes{{else}}no{{/if}}', noEscape)({ x: 0 })).toBe('no');
  });

  it('drops the lines of block tags that stand alone', () => {
    const t = compileTemplate('Head\n{{#if list}}\n{{#each list}}\n- {{.}}\n{{/each}}\n{{else}}\nempty\n{{/if}}\nEnd\n', noEscape);
    expect(t({ list: ['a', 'b'] })).toBe('Head\n- a\n- b\nEnd\n');
    expect(t({ list: [] })).toBe('Head\nempty\nEnd\n');
  });

  it('is strict: unknown names, objects and broken blocks throw', () => {
    expect(() => compileTemplate('{{missing}}', noEscape)({})).toThrow(TemplateError);
    expect(() => compileTemplate('{{obj}}', noEscape)({ obj: {} })).toThrow(/not a string or number/);
    expect(() => compileTemplate('{{#if a}}x', noEscape)).toThrow(/not closed/);
    expect(() => compileTemplate('{{#each a}}x{{/if}}', noEscape)).toThrow(TemplateError);
    expect(() => compileTemplate('{{ bad tag }}', noEscape)).toThrow(/malformed/);
  });
});

const baseRun: SummaryInput['run'] = {
  _id: '00000000-0000-4000-8000-000000000001',
  companyId: 'acme',
  period: '2026-10',
  status: 'partially_failed',
  currency: 'EUR',
  finishedAt: new Date('2026-11-02T09:30:00Z'),
  counts: {
    entries: 200,
    employees: 100,
    employeesMatched: 40,
    employeesUnmatched: 60,
    employeesInactive: 0,
    compensationsCreated: 80,
    alreadyPresent: 0,
    corrections: 0,
    needsManualCorrection: 0,
    failed: 0,
    entriesNotMatched: 120,
    entriesPending: 0,
    wouldCreate: 0,
    wouldCorrect: 0,
  },
  totals: [{ benefitKey: 'meal', benefitName: 'Essenszuschuss', compensationTypeId: 't1', entries: 200, amountCents: 2_000_000, transferredCents: 800_000 }],
  createdTypes: [
    { benefitKey: 'meal', benefitName: 'Essenszuschuss', compensationTypeId: 't1', how: 'created' },
    { benefitKey: 'old', benefitName: 'Found by name', compensationTypeId: 't2', how: 'found_by_name' },
  ],
};

const unmatched = (i: number): ProblemEntry => ({ index: i, employeeEmail: `e${i}@x.example`, benefitKey: 'meal', amountCents: 10_000, currency: 'EUR', status: 'unmatched' });

describe('summary model', () => {
  it('caps the problem list and says how many more there are', async () => {
    const collector = createProblemCollector();
    for (let i = 0; i < 120; i++) collector.add(unmatched(i));
    const problems = collector.result();
    expect(problems.shown).toHaveLength(MAX_PROBLEM_LINES);
    expect(problems.total).toBe(120);
    const mail = await renderSyncSummary({ run: baseRun, company: { name: 'Acme', locale: 'en' }, problems, logUrl: 'https://platform.example/x' });
    expect(mail.text).toContain('Employee not found in Personio (120 entries)');
    expect(mail.text.match(/^- e\d+@x\.example/gm)).toHaveLength(50);
    expect(mail.text).toContain('… and 70 more entries, see the export log.');
    expect(mail.html).toContain('… and 70 more entries, see the export log.');
  });

  it('lists only types this run created, with the wage-type reminder', () => {
    const model = buildSummaryModel({ run: baseRun, company: { name: 'Acme', locale: 'de' }, problems: { shown: [], total: 0, byKind: {} }, logUrl: 'x' });
    expect(model.context.createdTypes).toEqual([{ name: 'Essenszuschuss', id: 't1', note: '' }]);
    expect(model.context.createdTypesIntro).toMatch(/Lohnart/);
  });

  it('gives each problem kind its advice', () => {
    expect(classifyProblem({ status: 'failed', errorKind: 'permission_missing' })).toBe('permission');
    expect(classifyProblem({ status: 'failed', errorKind: 'write_refused' })).toBe('write_refused');
    expect(classifyProblem({ status: 'failed', errorKind: 'validation' })).toBe('failed');
    expect(classifyProblem({ status: 'type_not_allowed' })).toBe('type_not_allowed');
    expect(classifyProblem({ status: 'needs_manual_correction' })).toBe('manual_correction');
    expect(classifyProblem({ status: 'pending' })).toBe('not_pushed');
    const model = buildSummaryModel({
      run: { ...baseRun, status: 'failed' },
      company: { name: 'Acme', locale: 'de' },
      problems: {
        shown: [{ ...unmatched(1), status: 'failed', reason: 'Personio denied POST /v2/compensations.', errorKind: 'permission_missing', missingScope: 'personio:compensations:write' }],
        total: 1,
        byKind: { permission: 1 },
      },
      logUrl: 'x',
    });
    const groups = model.context.problemGroups as { title: string; action: string }[];
    expect(groups[0]?.title).toBe('Recht fehlt in Personio');
    expect(groups[0]?.action).toContain('„Vergütungen schreiben“ (personio:compensations:write)');
    expect(model.subject).toBe('Lohnexport Oktober 2026 – Acme: fehlgeschlagen');
  });

  it('advises a failed run by its failure type, whatever the message says', () => {
    const hint = (failure: { message: string; type?: string; missingScope?: string }) =>
      buildSummaryModel({ run: { ...baseRun, status: 'failed', failure }, company: { name: 'Acme', locale: 'en' }, problems: { shown: [], total: 0, byKind: {} }, logUrl: 'x' }).context.failureHint;
    expect(hint({ message: 'x', type: 'Personio.permission_missing', missingScope: 'personio:persons:read' })).toMatch(/Read employees/);
    expect(hint({ message: 'x', type: 'Personio.credentials_rejected' })).toMatch(/rejected the credentials/);
    expect(hint({ message: 'x', type: 'NoPersonioCredentials' })).toMatch(/No Personio credentials/);
    expect(hint({ message: 'x', type: 'NoEntries' })).toMatch(/no entries/);
    expect(hint({ message: 'x', type: 'PersonioConnectionBroken' })).toMatch(/connection is broken .* nothing was read or written/);
    expect(hint({ message: 'Personio denied GET /v2/persons: the API credential probably lacks the scope personio:persons:read' })).toMatch(/Run the export again/);
  });

  it('tells the customer a fixed sentence by failure type, never the raw error (hosts, key ids, Personio detail)', async () => {
    const raw = 'connection to mongodb://payroll-db-7.internal.acme:27017 failed; key k2024-rotated missing';
    const run = { ...baseRun, status: 'failed', failure: { message: raw } } as SyncRunDoc;
    for (const locale of ['de', 'en'] as const) {
      const mail = await renderSyncSummary({ run, company: { name: 'Acme', locale }, problems: { shown: [], total: 0, byKind: {} }, logUrl: 'x' });
      for (const part of [mail.text, mail.html]) {
        expect(part).not.toContain('payroll-db-7');
        expect(part).not.toContain('k2024-rotated');
      }
      expect(mail.text).toContain(locale === 'en' ? 'The sync failed because of an internal error.' : 'Der Export ist wegen eines internen Fehlers fehlgeschlagen.');
    }
    const undecryptable = { ...run, failure: { message: 'No key with id "k9" is configured', type: 'CredentialsUndecryptable' } } as SyncRunDoc;
    const en = await renderSyncSummary({ run: undecryptable, company: { name: 'Acme', locale: 'en' }, problems: { shown: [], total: 0, byKind: {} }, logUrl: 'x' });
    expect(en.text).toContain('cannot be decrypted with the configured keys: enter them again or configure CREDENTIALS_PREVIOUS_KEYS');
    expect(en.text).not.toContain('k9');
  });

  it('keeps header fields on one line', () => {
    const model = buildSummaryModel({ run: { ...baseRun, status: 'succeeded' }, company: { name: 'Evil\r\nBcc: x@y.example', locale: 'en' }, problems: { shown: [], total: 0, byKind: {} }, logUrl: 'x' });
    expect(model.subject).toBe('Payroll export October 2026 – Evil Bcc: x@y.example: all transferred');
  });

  it('renders the compiled MJML without leftover tags, in the company language', async () => {
    const problems = { shown: [], total: 0, byKind: {} };
    const de = await renderSyncSummary({ run: { ...baseRun, status: 'succeeded' } as SyncRunDoc, company: { name: 'Acme', locale: 'de' }, problems, logUrl: 'https://p.example/l?a=1&b=2' });
    expect(de.html).toContain('<html lang="de"');
    expect(de.html).not.toMatch(/\{\{|\}\}/);
    expect(de.html).toContain('href="https://p.example/l?a=1&amp;b=2"');
    expect(de.html).toContain('Alles übertragen');
    expect(de.text).toContain('Exportprotokoll: https://p.example/l?a=1&b=2');
  });

  it('marks an export after the payroll cut-off as late, in German and in English, and says nothing otherwise', async () => {
    const problems = { shown: [], total: 0, byKind: {} };
    const late = { ...baseRun, status: 'succeeded', pastCutoff: true } as SyncRunDoc;
    const de = await renderSyncSummary({ run: late, company: { name: 'Acme', locale: 'de' }, problems, logUrl: 'x' });
    expect(de.text).toContain('Später Export');
    expect(de.html).toContain('Später Export');
    const en = await renderSyncSummary({ run: late, company: { name: 'Acme', locale: 'en' }, problems, logUrl: 'x' });
    expect(en.text).toContain('Late export');
    expect(en.html).toContain('Late export');
    const onTime = await renderSyncSummary({ run: { ...late, pastCutoff: false }, company: { name: 'Acme', locale: 'en' }, problems, logUrl: 'x' });
    expect(onTime.text).not.toContain('Late export');
    expect(onTime.html).not.toContain('Late export');
  });
});
