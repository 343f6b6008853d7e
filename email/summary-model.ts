// Turns a finished sync run into what the summary email says: subject, outcome, counts, totals, problems
// with what to do, new compensation types, the export-log link. Pure: no I/O, so it is easy to test.
import { FailureType, personioFailureType } from '../contracts/failures.js';
import { customerFailureMessage } from '../i18n/failure-messages.js';
import type { Locale } from '../i18n/locale.js';
import type { EntryResultStatus, SyncEntryResultDoc, SyncRunDoc } from '../db/sync-runs.js';
import { formatCount, formatDateTime, formatMoney, formatPeriod } from './format.js';
import { PROBLEM_ORDER, SUMMARY_MESSAGES, type Outcome, type ProblemKind, type Starter } from './messages.js';

/** Problem lines listed in one mail; the rest is counted and left to the export log. */
export const MAX_PROBLEM_LINES = 50;

/** Entry results that are a problem, read with `{ syncId, status: { $nin: NOT_A_PROBLEM } }`. */
export const NOT_A_PROBLEM: readonly EntryResultStatus[] = ['created', 'already_present', 'correction_created', 'would_create', 'would_correct'];

export type ProblemEntry = Pick<SyncEntryResultDoc, 'index' | 'employeeEmail' | 'benefitKey' | 'amountCents' | 'currency' | 'status' | 'reason' | 'errorKind' | 'missingScope' | 'heldCents' | 'dueCents'> & {
  /** The employee's name in Personio, when matched. */
  personName?: string;
};

export interface ProblemSummary {
  /** The first problems by entry position, at most MAX_PROBLEM_LINES. */
  shown: ProblemEntry[];
  total: number;
  byKind: Partial<Record<ProblemKind, number>>;
}

export interface SummaryInput {
  run: Pick<SyncRunDoc, '_id' | 'companyId' | 'period' | 'status' | 'currency' | 'counts' | 'totals' | 'createdTypes' | 'failure' | 'finishedAt' | 'pastCutoff'> &
    Partial<Pick<SyncRunDoc, 'startedBy' | 'trigger' | 'approval'>>;
  company: { name: string; locale: Locale; timezone?: string };
  problems: ProblemSummary;
  logUrl: string;
}

export interface SummaryModel {
  locale: Locale;
  subject: string;
  /** The template context shared by the HTML and the text template; every value is plain text. */
  context: Record<string, unknown>;
}

/** Which kind of problem an entry result is; decides the advice given. */
export function classifyProblem(entry: Pick<ProblemEntry, 'status' | 'errorKind'>): ProblemKind {
  switch (entry.status) {
    case 'needs_manual_correction':
      return 'manual_correction';
    case 'unmatched':
    case 'ambiguous':
    case 'inactive':
    case 'type_missing':
    case 'type_not_allowed':
      return entry.status;
    case 'failed':
      if (entry.errorKind === 'permission_missing') return 'permission';
      if (entry.errorKind === 'write_refused') return 'write_refused';
      return 'failed';
    default:
      return 'not_pushed';
  }
}

/** Collects problems from a stream ordered by entry position: counts them all, keeps the first lines. */
export function createProblemCollector(limit = MAX_PROBLEM_LINES) {
  const summary: ProblemSummary = { shown: [], total: 0, byKind: {} };
  return {
    add(entry: ProblemEntry): void {
      const kind = classifyProblem(entry);
      summary.total++;
      summary.byKind[kind] = (summary.byKind[kind] ?? 0) + 1;
      if (summary.shown.length < limit) summary.shown.push(entry);
    },
    result: (): ProblemSummary => summary,
  };
}

const TONES: Record<Outcome, { fg: string; bg: string; border: string; symbol: string }> = {
  succeeded: { fg: '#14532d', bg: '#ecfdf3', border: '#16a34a', symbol: '✓' },
  partially_failed: { fg: '#713f12', bg: '#fffbeb', border: '#d97706', symbol: '!' },
  failed: { fg: '#7f1d1d', bg: '#fef2f2', border: '#dc2626', symbol: '✕' },
  // Never approved: a decision (or its absence), not an error.
  rejected: { fg: '#1f2937', bg: '#f3f4f6', border: '#4b5563', symbol: '✕' },
  expired: { fg: '#1f2937', bg: '#f3f4f6', border: '#4b5563', symbol: '!' },
};

/** One line for header fields: no line breaks, no control characters. */
export const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();

export function outcomeOf(status: SyncRunDoc['status']): Outcome {
  return status === 'succeeded' || status === 'partially_failed' || status === 'rejected' || status === 'expired' ? status : 'failed';
}

/** Outcomes of a sync that was never approved: nothing was written, so no numbers to show. */
const NEVER_APPROVED: ReadonlySet<Outcome> = new Set(['rejected', 'expired']);

/** `schedule` is the actor of a scheduled sync; anything else names a person. */
export function starterOf(run: Partial<Pick<SyncRunDoc, 'startedBy' | 'trigger'>>): Starter {
  const name = run.startedBy ? oneLine(run.startedBy) : '';
  if (name === 'schedule' || (!name && run.trigger === 'schedule')) return { kind: 'schedule' };
  return name ? { kind: 'person', name } : { kind: 'unknown' };
}

/** Advice for a run that failed as a whole, chosen by its failure type (contracts/failures.ts). */
function failureHint(locale: Locale, failure: NonNullable<SyncRunDoc['failure']>): string {
  const hints = SUMMARY_MESSAGES[locale].failureHint;
  switch (failure.type) {
    case personioFailureType('permission_missing'):
      return hints.permission(failure.missingScope);
    case personioFailureType('credentials_rejected'):
      return hints.credentials;
    case FailureType.NoPersonioCredentials:
      return hints.noCredentials;
    case FailureType.PersonioConnectionBroken:
      return hints.connectionBroken;
    case FailureType.NoEntries:
      return hints.noEntries;
    default:
      return hints.other;
  }
}

export function buildSummaryModel(input: SummaryInput): SummaryModel {
  const { run, company, problems } = input;
  const locale: Locale = company.locale === 'en' ? 'en' : 'de';
  const m = SUMMARY_MESSAGES[locale];
  const currency = run.currency ?? problems.shown[0]?.currency ?? 'EUR';
  const money = (cents: number) => formatMoney(cents, currency, locale);
  const count = (n: number | undefined) => formatCount(n ?? 0, locale);
  const outcome = outcomeOf(run.status);
  const period = formatPeriod(run.period, locale);
  const companyName = oneLine(company.name);
  const subject = oneLine(m.subject({ period, company: companyName, outcome }));
  const when = (at: Date) => formatDateTime(at, locale, company.timezone ?? 'Europe/Berlin');
  const approval = run.approval;
  const decidedBy = approval?.decidedBy ? oneLine(approval.decidedBy) : undefined;
  const outcomeParams = { problems: problems.total, ...(decidedBy ? { decidedBy } : {}), ...(approval?.expiresAt ? { expiresAt: when(approval.expiresAt) } : {}) };
  const outcomeTitle = m.outcome[outcome].title(outcomeParams);
  const outcomeDetail = m.outcome[outcome].detail(outcomeParams);
  const neverApproved = NEVER_APPROVED.has(outcome);
  const starter = starterOf(run);
  const approvalLine =
    approval?.state === 'approved' && decidedBy && approval.decidedAt
      ? m.approvedBy({ by: decidedBy, at: when(approval.decidedAt), startedBy: starter })
      : neverApproved
        ? m.startedBy(starter)
        : '';
  // The approver's or rejecter's comment, when one was given.
  const decided = outcome === 'rejected' || approval?.state === 'approved';
  const decisionComment = decided && approval?.comment?.trim() ? m.decisionComment(approval.comment.trim()) : '';
  const outcomeLine = `${outcomeTitle}: ${outcomeDetail}`;

  const c = run.counts;
  const counts = [
    { label: m.counts.employees, value: count(c?.employees) },
    { label: m.counts.compensationsCreated, value: count(c?.compensationsCreated) },
    { label: m.counts.alreadyPresent, value: count(c?.alreadyPresent) },
    { label: m.counts.corrections, value: count(c?.corrections) },
    ...(c?.needsManualCorrection ? [{ label: m.counts.needsManualCorrection, value: count(c.needsManualCorrection) }] : []),
    { label: m.counts.failed, value: count(c?.failed) },
    { label: m.counts.employeesUnmatched, value: count(c?.employeesUnmatched) },
    ...(c?.employeesInactive ? [{ label: m.counts.employeesInactive, value: count(c.employeesInactive) }] : []),
    ...(c?.entriesPending ? [{ label: m.counts.entriesPending, value: count(c.entriesPending) }] : []),
  ];

  const totalsList = run.totals ?? [];
  const benefitNames = new Map(totalsList.map((t) => [t.benefitKey, t.benefitName]));
  const totals = totalsList.map((t) => ({ name: t.benefitName, amount: money(t.amountCents), transferred: money(t.transferredCents) }));
  const totalAmount = money(totalsList.reduce((sum, t) => sum + t.amountCents, 0));
  const totalTransferred = money(totalsList.reduce((sum, t) => sum + t.transferredCents, 0));

  const grouped = new Map<ProblemKind, ProblemEntry[]>();
  for (const entry of problems.shown) {
    const kind = classifyProblem(entry);
    grouped.set(kind, [...(grouped.get(kind) ?? []), entry]);
  }
  const problemGroups = PROBLEM_ORDER.filter((kind) => (problems.byKind[kind] ?? 0) > 0).map((kind) => {
    const entries = grouped.get(kind) ?? [];
    const scope = kind === 'permission' ? entries.map((e) => e.missingScope).find(Boolean) : undefined;
    return {
      title: m.problem[kind].title,
      count: m.entries(count(problems.byKind[kind]), problems.byKind[kind] ?? 0),
      action: m.problem[kind].action(scope ? { scope } : {}),
      lines: entries.map((e) => ({
        who: e.personName ? `${e.personName} (${e.employeeEmail})` : e.employeeEmail,
        benefit: benefitNames.get(e.benefitKey) ?? e.benefitKey,
        amount: formatMoney(e.amountCents, e.currency || currency, locale),
        detail: problemDetail(kind, e, (cents) => formatMoney(cents, e.currency || currency, locale), m.manualCorrectionDetail),
      })),
    };
  });
  const hidden = problems.total - problems.shown.length;

  const createdTypes = (run.createdTypes ?? [])
    .filter((t) => t.how === 'created')
    .map((t) => ({
      name: t.name ?? t.benefitName,
      id: t.compensationTypeId,
      // Every template value must exist: an empty note renders nothing.
      note: t.sameNameOtherCategory?.length
        ? m.createdTypeRenamed({ benefitName: t.benefitName, categories: [...new Set(t.sameNameOtherCategory.map((o) => o.category ?? '?'))].join(', ') })
        : '',
    }));
  const tone = TONES[outcome];
  const failure = outcome === 'failed' && run.failure ? { message: customerFailureMessage(run.failure, locale), hint: failureHint(locale, run.failure) } : undefined;
  const transferredAny = totalsList.some((t) => t.transferredCents > 0) || (c?.compensationsCreated ?? 0) + (c?.corrections ?? 0) > 0;

  const context = {
    lang: locale,
    subject,
    preheader: `${companyName} · ${outcomeLine}`,
    heading: m.heading(period),
    companyName,
    finishedAt: run.finishedAt ? m.finishedAt(when(run.finishedAt)) : '',
    approvalLine,
    lateExport: run.pastCutoff ? m.lateExport : '',
    outcomeLine,
    outcomeTitle,
    outcomeDetail,
    decisionComment,
    tone,
    hasFailure: Boolean(failure),
    failureHeading: m.failureHeading,
    failureMessage: failure?.message ?? '',
    failureHint: failure?.hint ?? '',
    transferredNote: outcome === 'failed' && transferredAny ? m.transferredBeforeFailure : '',
    showNumbers: !neverApproved,
    countsHeading: m.countsHeading,
    counts,
    totalsHeading: m.totalsHeading,
    totalsBenefit: m.totalsBenefit,
    totalsAmount: m.totalsAmount,
    totalsTransferred: m.totalsTransferred,
    totalsOverall: m.totalsOverall,
    noTotals: m.noTotals,
    totals,
    totalAmount,
    totalTransferred,
    problemsHeading: m.problemsHeading,
    problemsIntro: m.problemsIntro,
    problemGroups,
    moreProblems: hidden > 0 ? m.moreProblems(hidden) : '',
    createdTypesHeading: m.createdTypesHeading,
    createdTypesIntro: m.createdTypesIntro,
    createdTypes,
    logButton: m.logButton,
    logLinkText: m.logLinkText,
    logUrl: input.logUrl,
    footer: m.footer(run._id),
  };
  return { locale, subject, context };
}

function problemDetail(kind: ProblemKind, entry: ProblemEntry, money: (cents: number) => string, manual: (p: { held: string; due: string }) => string): string {
  if (kind === 'manual_correction') {
    return entry.heldCents !== undefined && entry.dueCents !== undefined ? manual({ held: money(entry.heldCents), due: money(entry.dueCents) }) : '';
  }
  // Personio's own words help here; the other kinds are fully explained by the group's advice.
  if (kind === 'failed' || kind === 'write_refused' || kind === 'type_not_allowed') return entry.reason ?? '';
  return '';
}

/** The export log of a sync in the platform. */
export function exportLogUrl(platformBaseUrl: string, companyId: string, syncId: string): string {
  return `${platformBaseUrl.replace(/\/+$/, '')}/companies/${encodeURIComponent(companyId)}/payroll-syncs/${encodeURIComponent(syncId)}`;
}
