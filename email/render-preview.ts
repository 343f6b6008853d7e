// Renders the summary email and the approval email with sample data, for looking at them: HTML and text files,
// and with --screenshots <dir> PNGs taken by headless Chromium (Debian: apt-get install -y chromium):
// summary-email-{de,en}.png and approval-email-{de,en}.png.
//
//   npx tsx email/render-preview.ts [--out <dir>] [--screenshots docs]
//
// Chromium is found as $CHROMIUM, `chromium` or `chromium-browser` on PATH.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Locale } from '../i18n/locale.js';
import { renderApprovalMail, type ApprovalMailInput } from './approval-mail.js';
import { renderSyncSummary, type RenderedMail } from './render.js';
import { createProblemCollector, exportLogUrl, type SummaryInput } from './summary-model.js';

const SYNC_ID = '3f8c2a71-5d4e-4b9a-9c1e-7a2b6d0e4f13';
const APPROVAL_SYNC_ID = '8b1d4e2f-0a6c-4f3b-9e57-1c2d3e4f5a6b';
const PREVIEW_SYNC_ID = 'c4a9e7d2-6b1f-4e08-a3d5-9f8e7d6c5b4a';
const COMPANY_ID = 'mueller-soehne';

/** A partially failed October run with every section of the mail filled. */
export function sampleSummaryInput(locale: Locale): SummaryInput {
  const problems = createProblemCollector();
  const add = (index: number, employeeEmail: string, benefitKey: string, amountCents: number, status: 'unmatched' | 'needs_manual_correction' | 'failed' | 'inactive', extra: { reason?: string; personName?: string; heldCents?: number; dueCents?: number } = {}) =>
    problems.add({ index, employeeEmail, benefitKey, amountCents, currency: 'EUR', status, ...extra });
  add(17, 'jonas.weber@mueller-soehne.de', 'mobility', 4_900, 'needs_manual_correction', {
    reason: 'Personio already holds 5900 cents for this compensation, more than the 4900 cents now due: correct it in Personio by hand.',
    heldCents: 5_900,
    dueCents: 4_900,
    personName: 'Jonas Weber',
  });
  add(41, 'l.schmidt@mueller-soehne.de', 'meal', 10_850, 'unmatched');
  add(42, 'l.schmidt@mueller-soehne.de', 'internet', 2_000, 'unmatched');
  add(88, 'anna.krueger@mueller-soehne.de', 'meal', 10_850, 'inactive', { personName: 'Anna Krüger' });
  return {
    run: {
      _id: SYNC_ID,
      companyId: COMPANY_ID,
      period: '2026-10',
      status: 'partially_failed',
      currency: 'EUR',
      finishedAt: new Date('2026-11-02T08:14:00Z'),
      // The company requires approval (four eyes): started by one person, approved by another.
      trigger: 'api',
      startedBy: 'lena.hoffmann@mueller-soehne.de',
      approval: {
        state: 'approved',
        previewSyncId: PREVIEW_SYNC_ID,
        previewedAt: new Date('2026-11-01T16:32:00Z'),
        previews: 1,
        entrySetId: null,
        mappingVersion: 1,
        expiresAt: new Date('2026-11-04T16:32:00Z'),
        decidedBy: 'markus.mueller@mueller-soehne.de',
        decidedAt: new Date('2026-11-02T08:09:00Z'),
      },
      counts: {
        entries: 312,
        employees: 118,
        employeesMatched: 116,
        employeesUnmatched: 1,
        employeesInactive: 1,
        compensationsCreated: 296,
        alreadyPresent: 11,
        corrections: 1,
        needsManualCorrection: 1,
        failed: 0,
        entriesNotMatched: 3,
        entriesPending: 0,
        wouldCreate: 0,
        wouldCorrect: 0,
      },
      totals: [
        { benefitKey: 'internet', benefitName: 'Internetpauschale', compensationTypeId: '901', entries: 96, amountCents: 192_000, transferredCents: 190_000 },
        { benefitKey: 'meal', benefitName: 'Essenszuschuss', compensationTypeId: '902', entries: 118, amountCents: 1_280_300, transferredCents: 1_258_600 },
        { benefitKey: 'mobility', benefitName: 'Mobilitätsbudget', compensationTypeId: '903', entries: 98, amountCents: 480_200, transferredCents: 475_300 },
      ],
      createdTypes: [
        { benefitKey: 'internet', benefitName: 'Internetpauschale', compensationTypeId: '901', how: 'created' },
        { benefitKey: 'mobility', benefitName: 'Mobilitätsbudget', compensationTypeId: '903', how: 'found_by_name' },
      ],
    },
    company: { name: 'Müller & Söhne GmbH', locale, timezone: 'Europe/Berlin' },
    problems: problems.result(),
    logUrl: exportLogUrl('https://app.benefits.example', COMPANY_ID, SYNC_ID),
  };
}

/** The October run of the same company awaiting approval: the request mail of its preview. */
export function sampleApprovalInput(locale: Locale, kind: ApprovalMailInput['kind'] = 'request'): ApprovalMailInput {
  return {
    kind,
    run: {
      _id: APPROVAL_SYNC_ID,
      period: '2026-10',
      currency: 'EUR',
      trigger: 'api',
      startedBy: 'lena.hoffmann@mueller-soehne.de',
      startedAt: new Date('2026-11-02T07:58:00Z'),
      approval: { previewSyncId: PREVIEW_SYNC_ID, previewedAt: new Date('2026-11-02T08:01:00Z'), expiresAt: new Date('2026-11-05T08:01:00Z'), previews: 1 },
    },
    preview: {
      currency: 'EUR',
      counts: {
        entries: 312,
        employees: 118,
        employeesMatched: 116,
        employeesUnmatched: 1,
        employeesInactive: 1,
        compensationsCreated: 0,
        alreadyPresent: 11,
        corrections: 0,
        needsManualCorrection: 0,
        failed: 0,
        entriesNotMatched: 3,
        entriesPending: 0,
        wouldCreate: 297,
        wouldCorrect: 1,
      },
      totals: [
        { benefitKey: 'internet', benefitName: 'Internetpauschale', compensationTypeId: '901', entries: 96, amountCents: 192_000, transferredCents: 0 },
        { benefitKey: 'meal', benefitName: 'Essenszuschuss', compensationTypeId: '902', entries: 118, amountCents: 1_280_300, transferredCents: 119_350 },
        { benefitKey: 'mobility', benefitName: 'Mobilitätsbudget', compensationTypeId: '903', entries: 98, amountCents: 480_200, transferredCents: 0 },
      ],
    },
    company: { name: 'Müller & Söhne GmbH', locale, timezone: 'Europe/Berlin' },
    logUrl: exportLogUrl('https://app.benefits.example', COMPANY_ID, APPROVAL_SYNC_ID),
  };
}

function findChromium(): string | undefined {
  for (const candidate of [process.env.CHROMIUM, 'chromium', 'chromium-browser'].filter((c): c is string => Boolean(c))) {
    if (spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

function screenshot(chromium: string, htmlFile: string, pngFile: string, height: number): void {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  try {
    const result = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${pngFile}`,
        `--window-size=800,${height}`,
        pathToFileURL(htmlFile).href,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (result.status !== 0) throw new Error(`chromium failed (${result.status}): ${result.stderr.slice(-500)}`);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const outDir = resolve(arg('--out') ?? join(tmpdir(), 'payroll-sync-email-preview'));
  const shotsDir = arg('--screenshots');
  const height = arg('--height');
  mkdirSync(outDir, { recursive: true });
  const chromium = shotsDir ? findChromium() : undefined;
  if (shotsDir && !chromium) throw new Error('No Chromium found: apt-get install -y chromium, or set CHROMIUM.');
  const mails: { name: string; height: number; render: (locale: Locale) => Promise<RenderedMail> }[] = [
    { name: 'summary-email', height: 1900, render: (locale) => renderSyncSummary(sampleSummaryInput(locale)) },
    { name: 'approval-email', height: 1260, render: (locale) => renderApprovalMail(sampleApprovalInput(locale)) },
  ];
  for (const { name, render, ...size } of mails) {
    for (const locale of ['de', 'en'] as const) {
      const mail = await render(locale);
      const htmlFile = join(outDir, `${name}-${locale}.html`);
      writeFileSync(htmlFile, mail.html);
      writeFileSync(join(outDir, `${name}-${locale}.txt`), `Subject: ${mail.subject}\n\n${mail.text}`);
      console.log(`${locale}: ${htmlFile} — ${mail.subject}`);
      if (shotsDir && chromium) {
        mkdirSync(resolve(shotsDir), { recursive: true });
        const png = join(resolve(shotsDir), `${name}-${locale}.png`);
        screenshot(chromium, htmlFile, png, Number(height ?? size.height));
        console.log(`${locale}: ${png}`);
      }
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
