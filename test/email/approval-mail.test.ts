// The approval mail (four eyes), rendered from MJML in both languages: who started the export, the preview's
// counts and totals, until when it can be approved (company time zone), the four-eyes rule and the export-log link.
import { describe, expect, it } from 'vitest';
import { buildApprovalModel, renderApprovalMail, type ApprovalMailInput } from '../../email/approval-mail.js';
import { approvalMessageId, approvalReceiptId } from '../../email/approval-sender.js';
import { plain } from './support.js';

const input = (over: Partial<ApprovalMailInput> = {}): ApprovalMailInput => ({
  kind: 'request',
  run: {
    _id: 'sync-1',
    period: '2026-10',
    currency: 'EUR',
    trigger: 'api',
    startedBy: 'anna@acme.example',
    startedAt: new Date('2026-11-02T08:00:00Z'),
    approval: { previewSyncId: 'preview-1', previewedAt: new Date('2026-11-02T08:01:00Z'), expiresAt: new Date('2026-11-05T08:01:00Z'), previews: 1 },
  },
  preview: {
    currency: 'EUR',
    counts: {
      entries: 312,
      employees: 118,
      employeesMatched: 117,
      employeesUnmatched: 1,
      employeesInactive: 0,
      compensationsCreated: 0,
      alreadyPresent: 11,
      corrections: 0,
      needsManualCorrection: 0,
      failed: 1,
      entriesNotMatched: 2,
      entriesPending: 0,
      wouldCreate: 1296,
      wouldCorrect: 3,
    },
    totals: [
      { benefitKey: 'internet', benefitName: 'Internetpauschale', compensationTypeId: '901', entries: 96, amountCents: 192_000, transferredCents: 0 },
      { benefitKey: 'meal', benefitName: 'Essenszuschuss', compensationTypeId: '902', entries: 216, amountCents: 1_280_350, transferredCents: 22_000 },
    ],
  },
  company: { name: 'Müller & Söhne GmbH', locale: 'de', timezone: 'Europe/Berlin' },
  logUrl: 'https://app.example/companies/acme/payroll-syncs/sync-1?a=1&b=2',
  ...over,
});

describe('approval mail', () => {
  it('asks in German for approval, with the preview, the totals, the deadline in the company time zone and the link', async () => {
    const mail = await renderApprovalMail(input());
    expect(mail.subject).toBe('Lohnexport Oktober 2026 von Müller & Söhne GmbH wartet auf Freigabe');
    const text = plain(mail.text);
    expect(text).toContain('anna@acme.example hat den Lohnexport Oktober 2026 von Müller & Söhne GmbH am 02.11.2026, 09:00 gestartet.');
    expect(text).toContain('In Personio wurde noch nichts geschrieben');
    expect(text).toContain('- Würden angelegt: 1.296');
    expect(text).toContain('- Würden korrigiert: 3');
    expect(text).toContain('- Bereits in Personio vorhanden: 11');
    expect(text).toContain('- Nicht übertragbar: 3');
    expect(text).toContain('- Internetpauschale: 1.920,00 € (96 Einträge)');
    expect(text).toContain('- Essenszuschuss: 12.803,50 € (216 Einträge)');
    expect(text).toContain('= Gesamt: 14.723,50 € (312 Einträge)');
    expect(text).toContain('Freigabe bis 05.11.2026, 09:01');
    expect(text).toContain('verfällt er, und in Personio wird nichts geschrieben');
    expect(text).toContain('Freigeben muss eine andere Person als anna@acme.example');
    expect(text).toContain('Im Exportprotokoll prüfen und freigeben: https://app.example/companies/acme/payroll-syncs/sync-1?a=1&b=2');
    expect(text).not.toContain('Erinnerung');
    expect(text).not.toContain('neue Vorschau:');
    expect(mail.html).toContain('<html lang="de"');
    expect(mail.html).not.toMatch(/\{\{|\}\}/);
    expect(mail.html).toContain('href="https://app.example/companies/acme/payroll-syncs/sync-1?a=1&amp;b=2"');
    expect(plain(mail.html)).toContain('12.803,50 €');
    expect(plain(mail.html)).toContain('14.723,50 €');
  });

  it('says the same in English, with the deadline in the company’s own time zone', async () => {
    const mail = await renderApprovalMail(input({ company: { name: 'Acme Inc', locale: 'en', timezone: 'America/New_York' } }));
    expect(mail.subject).toBe('Payroll export October 2026 of Acme Inc is ready for approval');
    const text = plain(mail.text);
    expect(text).toContain('anna@acme.example started the payroll export October 2026 of Acme Inc on 2 Nov 2026, 03:00.');
    expect(text).toContain('Approve by 5 Nov 2026, 03:01');
    expect(text).toContain('If nobody approves it by then, the export expires and nothing is written to Personio');
    expect(text).toContain('the approval must come from someone other than anna@acme.example, who started the export');
    expect(text).toContain('- Would be created: 1,296');
    expect(text).toContain('- Would be corrected: 3');
    expect(text).toContain('- Already in Personio: 11');
    expect(text).toContain('- Not transferable: 3');
    expect(text).toContain('- Essenszuschuss: €12,803.50 (216 entries)');
    expect(text).toContain('= Total: €14,723.50 (312 entries)');
    expect(mail.html).toContain('<html lang="en"');
    expect(mail.html).toContain('Review and approve in the export log');
  });

  it('formats the money of the run’s currency, EUR when none is recorded', () => {
    const chf = buildApprovalModel(input({ run: { ...input().run, currency: 'CHF' }, company: { name: 'A', locale: 'en' } }));
    expect(plain(String(chf.context.totalAmount))).toBe('CHF 14,723.50');
    const none = buildApprovalModel(input({ run: { ...input().run, currency: undefined }, preview: { ...input().preview, currency: undefined }, company: { name: 'A', locale: 'en' } }));
    expect(plain(String(none.context.totalAmount))).toBe('€14,723.50');
  });

  it('a reminder has its own subject and heading and says since when it waits', async () => {
    const de = await renderApprovalMail(input({ kind: 'reminder' }));
    expect(de.subject).toBe('Erinnerung: Lohnexport Oktober 2026 von Müller & Söhne GmbH wartet auf Freigabe');
    expect(de.text).toContain('Erinnerung: Lohnexport Oktober 2026 wartet noch auf Freigabe');
    expect(de.text).toContain('Er wartet seit 02.11.2026, 09:01 auf Freigabe.');
    const en = await renderApprovalMail(input({ kind: 'reminder', company: { name: 'Acme', locale: 'en', timezone: 'Europe/Berlin' } }));
    expect(en.subject).toBe('Reminder: Payroll export October 2026 of Acme is ready for approval');
    expect(en.text).toContain('Reminder: payroll export October 2026 still awaits approval');
    expect(en.html).toContain('It has been waiting for approval since 2 Nov 2026, 09:01.');
  });

  it('names the schedule as the starter, and says when a preview replaced an outdated one', async () => {
    const mail = await renderApprovalMail(
      input({ run: { ...input().run, trigger: 'schedule', startedBy: 'schedule', approval: { ...input().run.approval, previews: 2 } }, company: { name: 'Acme', locale: 'en', timezone: 'Europe/Berlin' } }),
    );
    expect(mail.text).toContain('The payroll schedule started the payroll export October 2026 of Acme');
    expect(mail.text).toContain('the payroll schedule started this export, so it must be approved by a person');
    expect(mail.text).toContain('This is a new preview');
  });

  it('escapes names in the HTML part, keeps them literal in the text part and the subject on one line', async () => {
    const mail = await renderApprovalMail(
      input({
        run: { ...input().run, startedBy: '<b>eve</b>@x.example' },
        preview: { ...input().preview, totals: [{ benefitKey: 'x', benefitName: '<script>alert(1)</script>', compensationTypeId: null, entries: 1, amountCents: 100, transferredCents: 0 }] },
        company: { name: 'Evil <i>Co</i>\r\nBcc: x@y.example', locale: 'en', timezone: 'Europe/Berlin' },
      }),
    );
    expect(mail.subject).toBe('Payroll export October 2026 of Evil <i>Co</i> Bcc: x@y.example is ready for approval');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).toContain('&lt;b&gt;eve&lt;/b&gt;@x.example');
    expect(mail.html).toContain('Evil &lt;i&gt;Co&lt;/i&gt;');
    expect(mail.html).not.toContain('<script>alert(1)');
    expect(mail.html).not.toContain('<b>eve</b>');
    expect(mail.text).toContain('- <script>alert(1)</script>: €1.00 (1 entry)');
  });

  it('says so when the period has no entries', async () => {
    const mail = await renderApprovalMail(input({ preview: { ...input().preview, totals: [] }, company: { name: 'Acme', locale: 'en' } }));
    expect(mail.text).toContain('No entries in this period.');
  });

  it('has one receipt and one Message-ID per preview (request) and per sync (reminder)', () => {
    expect(approvalReceiptId('request', 'sync-1', 'preview-2')).toBe('approval-request:preview-2');
    expect(approvalReceiptId('reminder', 'sync-1', 'preview-2')).toBe('approval-reminder:sync-1');
    expect(approvalMessageId('request', 'sync-1', 'preview-2', 'Payroll <payroll@acme.example>')).toBe('<approval-request.preview-2@acme.example>');
    expect(approvalMessageId('reminder', 'sync:1', 'preview-2', 'payroll@acme.example')).toBe('<approval-reminder.sync_1@acme.example>');
  });
});
