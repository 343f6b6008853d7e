// The approval mail's model and rendering (four eyes): a payroll export is ready for approval — who started it,
// the preview (what would be created, corrected, is already in Personio, cannot be transferred; totals per
// benefit), until when it can be approved, and the link to the export log. The reminder is the same mail with
// its own subject and heading. Pure apart from the compiled templates: easy to test.
import type { Locale } from '../i18n/locale.js';
import type { ApprovalRecord, SyncRunDoc } from '../db/sync-runs.js';
import { APPROVAL_MESSAGES } from './approval-messages.js';
import { formatCount, formatDateTime, formatMoney, formatPeriod } from './format.js';
import { templates, type RenderedMail } from './render.js';
import { oneLine, starterOf } from './summary-model.js';

export type ApprovalMailKind = 'request' | 'reminder';

export interface ApprovalMailInput {
  kind: ApprovalMailKind;
  /** The sync awaiting approval. */
  run: Pick<SyncRunDoc, '_id' | 'period' | 'currency' | 'startedBy' | 'trigger' | 'pastCutoff'> & {
    startedAt?: Date;
    approval: Pick<ApprovalRecord, 'previewSyncId' | 'previewedAt' | 'expiresAt' | 'previews'>;
  };
  /** The preview: the dry run named by `run.approval.previewSyncId`. */
  preview: Pick<SyncRunDoc, 'counts' | 'totals' | 'currency'>;
  company: { name: string; locale: Locale; timezone?: string };
  logUrl: string;
}

export interface ApprovalMailModel {
  locale: Locale;
  subject: string;
  context: Record<string, unknown>;
}

const TONES = {
  request: { fg: '#1e3a8a', bg: '#eff6ff', border: '#2563eb', symbol: 'i' },
  reminder: { fg: '#713f12', bg: '#fffbeb', border: '#d97706', symbol: '!' },
} as const;

export function buildApprovalModel(input: ApprovalMailInput): ApprovalMailModel {
  const { run, preview, company } = input;
  const locale: Locale = company.locale === 'en' ? 'en' : 'de';
  const m = APPROVAL_MESSAGES[locale];
  const reminder = input.kind === 'reminder';
  const timezone = company.timezone ?? 'Europe/Berlin';
  const when = (at: Date) => formatDateTime(at, locale, timezone);
  const currency = run.currency ?? preview.currency ?? 'EUR';
  const money = (cents: number) => formatMoney(cents, currency, locale);
  const count = (n: number | undefined) => formatCount(n ?? 0, locale);
  const period = formatPeriod(run.period, locale);
  const companyName = oneLine(company.name);
  const starter = starterOf(run);
  const subject = oneLine(m.subject({ period, company: companyName, reminder }));
  const intro = m.intro({ period, company: companyName, starter, startedAt: run.startedAt ? when(run.startedAt) : null });
  const expiresAt = when(run.approval.expiresAt);

  const c = preview.counts;
  const counts = [
    { label: m.counts.wouldCreate, value: count(c?.wouldCreate) },
    { label: m.counts.wouldCorrect, value: count(c?.wouldCorrect) },
    { label: m.counts.alreadyPresent, value: count(c?.alreadyPresent) },
    { label: m.counts.notTransferable, value: count((c?.entriesNotMatched ?? 0) + (c?.failed ?? 0)) },
    ...(c?.needsManualCorrection ? [{ label: m.counts.needsManualCorrection, value: count(c.needsManualCorrection) }] : []),
    ...(c?.employees ? [{ label: m.counts.employees, value: count(c.employees) }] : []),
  ];
  const totalsList = preview.totals ?? [];
  const totals = totalsList.map((t) => ({ name: t.benefitName, entries: count(t.entries), entriesText: m.entries(count(t.entries), t.entries), amount: money(t.amountCents) }));
  const totalEntries = totalsList.reduce((sum, t) => sum + t.entries, 0);

  const context = {
    lang: locale,
    subject,
    preheader: `${companyName} · ${m.deadlineTitle(expiresAt)}`,
    heading: m.heading({ period, reminder }),
    companyName,
    tone: TONES[input.kind],
    intro,
    waitingSince: reminder ? m.waitingSince(when(run.approval.previewedAt)) : '',
    newPreview: !reminder && run.approval.previews > 1 ? m.newPreview : '',
    lateExport: run.pastCutoff ? m.lateExport : '',
    deadlineTitle: m.deadlineTitle(expiresAt),
    deadlineDetail: m.deadlineDetail,
    fourEyes: m.fourEyes(starter),
    previewHeading: m.previewHeading,
    previewIntro: m.previewIntro,
    counts,
    totalsHeading: m.totalsHeading,
    totalsBenefit: m.totalsBenefit,
    totalsEntries: m.totalsEntries,
    totalsAmount: m.totalsAmount,
    totalsOverall: m.totalsOverall,
    noTotals: m.noTotals,
    totals,
    totalEntries: count(totalEntries),
    totalEntriesText: m.entries(count(totalEntries), totalEntries),
    totalAmount: money(totalsList.reduce((sum, t) => sum + t.amountCents, 0)),
    button: m.button,
    linkText: m.linkText,
    logUrl: input.logUrl,
    footer: m.footer({ company: companyName, syncId: run._id }),
  };
  return { locale, subject, context };
}

export async function renderApprovalMail(input: ApprovalMailInput): Promise<RenderedMail> {
  const model = buildApprovalModel(input);
  const { html, text } = await templates('approval-request');
  return { subject: model.subject, html: html(model.context), text: text(model.context) };
}
