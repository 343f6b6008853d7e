// `npm run demo`: the product's main path, step by step, against a running `npm run dev` and its seeded
// demo company — connection test, compensation types, mapping, dry run, sync, export log, summary email, the
// sync's signed webhook at the dev command's catcher, the same sync again to show that nothing is pushed twice, and
// four eyes: with approval required, next month's sync is previewed and waits, its starter cannot approve it, a
// second person does, and Personio then holds exactly the preview (the company is set back to no approval after).
// Exits 1 when an expectation fails.
//
// Finds the dev command through <DEV_DATA_DIR>/dev-endpoints.json (DEV_ENDPOINTS_FILE overrides the path);
// API_URL and API_TOKEN override the API and its token. DEMO_COMPANY_ID / DEMO_PERIOD choose another
// company or month. DEMO_REQUIRE_EMAIL=1 (or --require-email) makes a missing summary or approval email a failure.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SyncCounts } from '../contracts/sync.js';
import { periodEffectiveDate, shiftPeriod } from '../payroll/period.js';
import { createSandboxAdmin, type SandboxAdmin } from '../sandbox/index.js';
import { createApiClient, type ApiClient } from './api-client.js';
import { DEMO_COMPANY_ID, DEMO_EMPLOYEES, demoEntries, MEAL_TYPE_NAME, previousPeriod } from './demo-seed.js';
import { DEMO_WEBHOOK_ENDPOINT_ID } from './demo-webhooks.js';
import type { CaughtWebhook } from './webhook-catcher.js';
import { readDevEndpoints } from './dev-endpoints.js';

interface SyncView {
  syncId: string;
  status: string;
  trigger: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string | null;
  counts: SyncCounts | null;
  workflowId: string;
  temporalUiUrl: string;
  currency: string | null;
  totals: { benefitKey: string; benefitName: string; entries: number; amount: string; transferred: string }[];
  createdCompensationTypes: { benefitKey: string; benefitName: string; compensationTypeId: string; how: string }[];
  failure: { message: string } | null;
  email: { status: string; at: string; recipients?: string[]; error?: string } | null;
  results: {
    total: number;
    items: { employeeEmail: string; benefitKey: string; amount: string; amountCents: number; status: string; reason: string | null; personId: string | null; compensationTypeId: string | null }[];
  };
  startedBy: string | null;
  approval: { state: string; previewSyncId: string; previewedAt: string; previews: number; expiresAt: string; decidedBy: string | null; decidedAt: string | null; comment: string | null } | null;
  links: { self: string; retry: string | null; preview: string | null; approve: string | null; reject: string | null };
}
/** The company as GET answers it; its settings are what PUT takes back (a PUT replaces them all). */
interface CompanyProfile {
  name: string;
  managerEmails: string[];
  locale: string;
  timezone: string;
  payrollCutoffDay: number | null;
  approval: 'none' | 'required';
  approvalReminderAfterHours: number;
  approvalExpiresAfterHours: number;
  personio: { clientId: string } | null;
}
interface Problem {
  type?: string;
  title?: string;
  detail?: string;
}
interface Mapping {
  benefitKey: string;
  benefitName: string;
  compensationTypeId: string | null;
}
interface CaughtMail {
  id: string;
  receivedAt: string;
  to: string[];
  subject: string;
  messageId?: string;
}

const args = new Set(process.argv.slice(2));
const requireEmail = args.has('--require-email') || ['1', 'true'].includes(process.env.DEMO_REQUIRE_EMAIL ?? '');

const out = (line = '') => console.log(line);
const failures: string[] = [];
function expect(ok: boolean, what: string, detail = ''): boolean {
  out(`   ${ok ? '✓' : '✗'} ${what}${!ok && detail ? ` — ${detail}` : ''}`);
  if (!ok) failures.push(what + (detail ? ` — ${detail}` : ''));
  return ok;
}
let stepNo = 0;
const step = (title: string, request?: string) => {
  out();
  out(`${++stepNo}. ${title}${request ? `   ${request}` : ''}`);
};
const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));

class Abort extends Error {}

function must<T>(res: { status: number; text: string; json: T }, what: string, ...ok: number[]): T {
  if (!ok.includes(res.status)) {
    failures.push(`${what}: HTTP ${res.status}`);
    throw new Abort(`${what}: HTTP ${res.status} ${res.text.slice(0, 400)}`);
  }
  return res.json;
}

const NOT_TRANSFERRED = 'unmatched,ambiguous,inactive,type_missing,failed,needs_manual_correction';

/**
 * Polls the export log until the sync has left `running` (no fixed sleep: short, growing intervals); with
 * `pastApproval`, until it has left `awaiting_approval` too, i.e. has finished.
 */
async function waitForSync(api: ApiClient, companyId: string, syncId: string, opts: { pastApproval?: boolean; resultStatus?: string; timeoutMs?: number } = {}): Promise<SyncView> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    const view = must<SyncView>(
      await api.call('GET', `/v1/companies/${companyId}/payroll-syncs/${syncId}?resultStatus=${opts.resultStatus ?? NOT_TRANSFERRED}&resultsLimit=${opts.resultStatus ? 1000 : 20}`),
      'read the sync',
      200,
    );
    if (view.status !== 'running' && !(opts.pastApproval && view.status === 'awaiting_approval')) return view;
    if (Date.now() > deadline) throw new Abort(`sync ${syncId} still ${view.status} after ${timeoutMs / 1000} s`);
    await sleep(delay);
    delay = Math.min(delay * 2, 1000);
  }
}

/** Starts a sync; a 409 "already running" (the previous run is still sending its email) is retried briefly. */
async function startSync(api: ApiClient, path: string, body: unknown, timeoutMs = 60_000): Promise<{ syncId: string; temporalUiUrl: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.call<{ syncId: string; temporalUiUrl: string; title?: string }>('POST', path, body);
    if (res.status === 202) return res.json;
    if (res.status !== 409 || !/already running|still running/i.test(res.json?.title ?? '') || Date.now() > deadline) must(res, `POST ${path}`, 202);
    await sleep(250);
  }
}

const seconds = (view: SyncView) => (view.finishedAt ? ((Date.parse(view.finishedAt) - Date.parse(view.startedAt)) / 1000).toFixed(1) : '?');

function printResults(view: SyncView): void {
  if (view.results.total === 0) return;
  out(`   not transferred (${view.results.total} entries):`);
  for (const r of view.results.items) out(`     ${pad(r.employeeEmail, 38)} ${pad(r.benefitKey, 9)} ${pad(r.amount, 8)} ${pad(r.status, 10)} ${r.reason ?? ''}`);
  if (view.results.total > view.results.items.length) out(`     … and ${view.results.total - view.results.items.length} more`);
}

async function demoCompensationCount(admin: SandboxAdmin | undefined, personIds: Set<string>): Promise<number | undefined> {
  if (!admin) return undefined;
  return (await admin.listCompensations()).filter((c) => personIds.has(c.personId)).length;
}

async function findCaughtMail(mailWebUrl: string, syncId: string, manager: string, since: string): Promise<CaughtMail | undefined> {
  const res = await fetch(`${mailWebUrl}/api/messages`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) return undefined;
  const mails = (await res.json()) as CaughtMail[];
  return (
    mails.find((m) => m.messageId?.includes(`sync-summary.${syncId}`)) ??
    mails.find((m) => m.to.map((t) => t.toLowerCase()).includes(manager) && m.receivedAt >= since)
  );
}

/** The "ready for approval" mail of a preview (its Message-ID names the preview), waiting up to 20 s for it. */
async function findApprovalMail(mailWebUrl: string, previewSyncId: string): Promise<CaughtMail | undefined> {
  const deadline = Date.now() + 20_000;
  for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
    const res = await fetch(`${mailWebUrl}/api/messages`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    const mails = res?.ok ? ((await res.json()) as CaughtMail[]) : [];
    const mail = mails.find((m) => m.messageId?.includes(`approval-request.${previewSyncId}`));
    if (mail || Date.now() > deadline) return mail;
    await sleep(delay);
  }
}

/** The catcher's `payroll_sync.completed` webhook of this sync, if it has arrived. */
async function findCaughtWebhook(catcherUrl: string, syncId: string): Promise<CaughtWebhook | undefined> {
  const res = await fetch(`${catcherUrl}/api/webhooks`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) return undefined;
  const ofSync = (hook: CaughtWebhook) => {
    try {
      return (JSON.parse(hook.body) as { data?: { syncId?: unknown } }).data?.syncId === syncId;
    } catch {
      return false;
    }
  };
  return ((await res.json()) as CaughtWebhook[]).find((hook) => hook.type === 'payroll_sync.completed' && ofSync(hook));
}

/** Waits (up to a minute: delivery is retried with backoff) for the sync's webhook at the dev command's catcher. */
async function showSyncWebhook(api: ApiClient, catcherUrl: string, syncId: string): Promise<CaughtWebhook | undefined> {
  let hook: CaughtWebhook | undefined;
  const deadline = Date.now() + 60_000;
  for (let delay = 200; !hook && Date.now() < deadline; delay = Math.min(delay * 2, 2_000)) {
    hook = await findCaughtWebhook(catcherUrl, syncId).catch(() => undefined);
    if (!hook) await sleep(delay);
  }
  if (!hook) {
    out(`   no payroll_sync.completed webhook of sync ${syncId} reached ${catcherUrl} within 60 s`);
    return undefined;
  }
  out(`   caught ${hook.receivedAt}: POST ${hook.path}`);
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) out(`     ${pad(`${name}:`, 19)} ${hook.headers[name] ?? '(missing)'}`);
  for (const line of JSON.stringify(JSON.parse(hook.body), null, 2).split('\n')) out(`     ${line}`);
  out(`   signature: ${hook.verified ? "verified with the endpoint's secret (standardwebhooks)" : `NOT verified: ${hook.verifyError ?? 'no secret known'}`}`);
  const log = await api.call<{ items: { attempt: number; statusCode: number | null; outcome: string; durationMs: number; eventId: string }[] }>('GET', `/v1/webhook-endpoints/${DEMO_WEBHOOK_ENDPOINT_ID}/deliveries?limit=5`);
  if (log.status === 200) {
    for (const a of log.json.items.filter((item) => item.eventId.includes(syncId))) out(`   delivery log: attempt ${a.attempt} → ${a.statusCode ?? '-'} ${a.outcome} in ${a.durationMs} ms`);
  }
  return hook;
}

/** The company's settings as PUT takes them (it replaces them all), with `approval` set. */
function companySettings(profile: CompanyProfile, approval: CompanyProfile['approval']) {
  const { name, managerEmails, locale, timezone, payrollCutoffDay, approvalReminderAfterHours, approvalExpiresAfterHours } = profile;
  return { name, managerEmails, locale, timezone, payrollCutoffDay, approval, approvalReminderAfterHours, approvalExpiresAfterHours };
}

/** Who approves in the demo: anyone but the person who started the sync. */
const DEMO_APPROVER = 'lohnbuchhaltung@demo-gmbh.example';
/** Entry results of a preview that become compensations in Personio once approved. */
const TRANSFERABLE = 'would_create,would_correct,already_present';
const euros = (cents: number) => (cents / 100).toFixed(2);
const utc = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '?');

/** The entries of the four-eyes month: for the demo company, a dozen employees found in Personio; else a few of `period`'s. */
async function fourEyesEntries(api: ApiClient, company: string, companyId: string, period: string): Promise<{ employeeEmail: string; benefitKey: string; amount: string }[]> {
  if (companyId === DEMO_COMPANY_ID) {
    const emails = new Set(DEMO_EMPLOYEES.slice(5, 17).map((e) => e.entryEmail));
    return demoEntries().filter((e) => emails.has(e.employeeEmail));
  }
  const page = must<{ entries: { employeeEmail: string; benefitKey: string; amount: string }[] }>(await api.call('GET', `${company}/payroll-periods/${period}/entries?limit=30`), 'read the entries', 200);
  return page.entries.map(({ employeeEmail, benefitKey, amount }) => ({ employeeEmail, benefitKey, amount }));
}

/** Planned amounts per (person, compensation type): a preview's transferable results, or what Personio holds. */
type Holdings = Map<string, number>;
const holdingKey = (personId: string | null, typeId: string | null) => `${personId ?? '?'}|${typeId ?? '?'}`;
function sameHoldings(a: Holdings, b: Holdings): boolean {
  return a.size === b.size && [...a].every(([key, cents]) => b.get(key) === cents);
}

/**
 * Four eyes on the month after `period`: the company requires approval, a sync started by one person is previewed
 * and waits (nothing written), that person's approval is refused, a second person's goes through, and Personio then
 * holds exactly the preview. Runs again without harm: that month's compensations are then found already present.
 * The company is set back to no approval whatever happens.
 */
async function fourEyes(ctx: {
  api: ApiClient;
  company: string;
  companyId: string;
  period: string;
  profile: CompanyProfile;
  starter: string;
  admin: SandboxAdmin | undefined;
  personIds: Set<string>;
  mailWebUrl: string | null;
}): Promise<void> {
  const { api, company, companyId, period, profile, starter, admin, personIds, mailWebUrl } = ctx;
  const syncs = `${company}/payroll-syncs`;

  step('Four eyes: the company requires a second person to approve each sync', `PUT ${company} {…,"approval":"required"}`);
  const required = must<CompanyProfile>(await api.call('PUT', company, companySettings(profile, 'required')), `PUT ${company}`, 200);
  try {
    out(`   ${required.name}: approval ${required.approval}, a reminder after ${required.approvalReminderAfterHours} h, expired after ${required.approvalExpiresAfterHours} h without a decision`);
    const entries = await fourEyesEntries(api, company, companyId, shiftPeriod(period, -1));
    const stored = must<{ entryCount: number }>(await api.call('PUT', `${company}/payroll-periods/${period}/entries`, { entries }), `PUT the entries of ${period}`, 200);
    out(`   entries of ${period}: ${stored.entryCount} for ${new Set(entries.map((e) => e.employeeEmail)).size} employees   PUT ${company}/payroll-periods/${period}/entries`);
    expect(required.approval === 'required', 'every sync of the company now waits for a second person');
    // A sync an interrupted walk-through left waiting holds the month's lock: it is rejected first.
    const left = must<{ items: SyncView[] }>(await api.call('GET', `${syncs}?period=${period}&status=awaiting_approval`), 'read the export log', 200);
    for (const run of left.items) {
      must(await api.call('POST', `${syncs}/${run.syncId}/reject`, { actor: DEMO_APPROVER, comment: 'left waiting by an interrupted walk-through' }), 'reject a sync left waiting', 200, 409);
      await waitForSync(api, companyId, run.syncId, { pastApproval: true });
      out(`   sync ${run.syncId}, left waiting by an earlier walk-through: rejected`);
    }

    step(`Sync of ${period}, started by ${starter}: previewed, nothing written, awaiting approval`, `POST ${syncs} {"period":"${period}","actor":"${starter}"}`);
    const before = await demoCompensationCount(admin, personIds);
    const started = await startSync(api, syncs, { period, actor: starter });
    const waiting = await waitForSync(api, companyId, started.syncId);
    out(`   sync ${waiting.syncId}: ${waiting.status}, started by ${waiting.startedBy ?? '?'}; expires ${utc(waiting.approval?.expiresAt)} unless approved`);
    out(`   Temporal Web UI: ${waiting.temporalUiUrl}`);
    if (!expect(waiting.status === 'awaiting_approval' && waiting.approval !== null, 'the sync awaits approval with its preview', waiting.failure?.message ?? waiting.status)) {
      throw new Abort(`sync ${waiting.syncId} does not await approval`);
    }
    const previewId = waiting.approval!.previewSyncId;
    const preview = await waitForSync(api, companyId, previewId, { resultStatus: TRANSFERABLE });
    const pc = preview.counts;
    out(`   preview ${previewId} (a dry run of its own, GET ${waiting.links.preview}):`);
    if (pc) out(`   would create ${pc.wouldCreate}, would correct ${pc.wouldCorrect}, already in Personio ${pc.alreadyPresent}; ${pc.employeesMatched} of ${pc.employees} employees matched`);
    const planned: Holdings = new Map();
    const plannedByBenefit = new Map<string, { items: number; cents: number }>();
    for (const r of preview.results.items) {
      const key = holdingKey(r.personId, r.compensationTypeId);
      planned.set(key, (planned.get(key) ?? 0) + r.amountCents);
      const b = plannedByBenefit.get(r.benefitKey) ?? { items: 0, cents: 0 };
      plannedByBenefit.set(r.benefitKey, { items: b.items + 1, cents: b.cents + r.amountCents });
    }
    for (const t of preview.totals) {
      const b = plannedByBenefit.get(t.benefitKey);
      out(`   ${pad(t.benefitKey, 10)} ${pad(`${t.entries} entries`, 12)} ${pad(t.amount, 9)} ${preview.currency ?? ''}, to Personio once approved ${euros(b?.cents ?? 0)}`);
    }
    const plannedItems = preview.results.total;
    expect(preview.status !== 'failed' && plannedItems > 0, `the preview lists ${plannedItems} compensations for Personio`, preview.failure?.message ?? preview.status);
    if (mailWebUrl) {
      const mail = await findApprovalMail(mailWebUrl, previewId);
      if (mail) out(`   approval mail: "${mail.subject}" to ${mail.to.join(', ')} — open ${mailWebUrl}/messages/${encodeURIComponent(mail.id)}`);
      else out(`   no approval mail was caught (caught mail: ${mailWebUrl})`);
      if (requireEmail) expect(mail !== undefined, `the managers got the "ready for approval" mail`);
    }
    const whileWaiting = await demoCompensationCount(admin, personIds);
    if (before !== undefined) expect(whileWaiting === before, `nothing was written while it waits: Personio (sandbox) holds ${whileWaiting} compensations of ${companyId}, as before`, `was ${before}`);

    step('The person who started it approves it: refused', `POST ${waiting.links.approve} {"actor":"${starter}"}`);
    const self = await api.call<Problem>('POST', `${syncs}/${waiting.syncId}/approve`, { actor: starter });
    out(`   HTTP ${self.status} ${self.json?.type ?? ''}: ${self.json?.detail ?? self.text.slice(0, 200)}`);
    expect(self.status === 409 && self.json?.type === 'urn:payroll-sync:problem:four-eyes', 'refused: another person must approve (four eyes)', `HTTP ${self.status} ${self.json?.type ?? ''}`);

    const comment = 'checked against the payroll sheet';
    step(`A second person approves: the sync writes exactly its preview`, `POST ${waiting.links.approve} {"actor":"${DEMO_APPROVER}","comment":"${comment}"}`);
    const approved = must<{ accepted: boolean; status: string }>(await api.call('POST', `${syncs}/${waiting.syncId}/approve`, { actor: DEMO_APPROVER, comment }), 'approve the sync', 200);
    out(`   HTTP 200: accepted ${approved.accepted}, status ${approved.status}`);
    const done = await waitForSync(api, companyId, waiting.syncId, { pastApproval: true });
    const dc = done.counts;
    out(`   sync ${done.syncId}: ${done.status} after ${seconds(done)} s; approved by ${done.approval?.decidedBy ?? '?'} at ${utc(done.approval?.decidedAt)} ("${done.approval?.comment ?? ''}")`);
    if (dc) out(`   created ${dc.compensationsCreated}, already in Personio ${dc.alreadyPresent}, corrections ${dc.corrections}, failed ${dc.failed}`);
    printResults(done);
    expect(done.status === 'succeeded' || done.status === 'partially_failed', 'the approved sync finished', done.failure?.message ?? done.status);
    expect((dc?.failed ?? -1) === 0 && (dc?.needsManualCorrection ?? -1) === 0, 'no compensation failed or needs manual correction');
    expect(done.approval?.state === 'approved' && done.approval.decidedBy === DEMO_APPROVER, `the export log names who started it (${done.startedBy}) and who approved it (${done.approval?.decidedBy})`);
    if (admin) {
      const effectiveFrom = periodEffectiveDate(period);
      const held: Holdings = new Map();
      for (const c of await admin.listCompensations()) {
        if (!personIds.has(c.personId) || c.effectiveFrom.slice(0, 10) !== effectiveFrom) continue;
        const key = holdingKey(c.personId, c.typeId);
        held.set(key, (held.get(key) ?? 0) + Math.round(c.value * 100));
      }
      const sum = (h: Holdings) => [...h.values()].reduce((a, b) => a + b, 0);
      out(`   Personio (sandbox) for ${period} (effective ${effectiveFrom}): ${held.size} compensations, ${euros(sum(held))} ${preview.currency ?? ''}; the preview: ${planned.size}, ${euros(sum(planned))}`);
      expect(sameHoldings(held, planned), `Personio holds exactly the preview for ${period}: every employee, type and amount`, `${held.size} held, ${planned.size} previewed`);
    }
  } finally {
    step('Back to no approval, so that the walk-through can run again', `PUT ${company} {…,"approval":"none"}`);
    const reset = await api.call<CompanyProfile>('PUT', company, companySettings(profile, 'none'));
    expect(reset.status === 200 && reset.json.approval === 'none', 'the company syncs without approval again', `HTTP ${reset.status}`);
  }
}

async function main(): Promise<void> {
  const endpoints = readDevEndpoints();
  const companyId = process.env.DEMO_COMPANY_ID ?? endpoints.demo?.companyId ?? DEMO_COMPANY_ID;
  const period = process.env.DEMO_PERIOD ?? endpoints.demo?.period ?? previousPeriod();
  const api = createApiClient(endpoints.apiUrl, endpoints.apiToken);
  const company = `/v1/companies/${companyId}`;
  const admin = endpoints.personioBaseUrl ? createSandboxAdmin(endpoints.personioBaseUrl) : undefined;

  out(`Payroll sync walk-through — company "${companyId}", period ${period}`);
  out(`API ${endpoints.apiUrl} (OpenAPI docs ${endpoints.docsUrl})`);

  const ready = await api.call('GET', '/readyz').catch((error: unknown) => ({ status: 0, text: String(error), json: undefined }));
  if (ready.status !== 200) throw new Abort(`the API at ${endpoints.apiUrl} is not ready (${ready.status || ready.text}); is \`npm run dev\` running?`);
  let profile = must<CompanyProfile>(await api.call('GET', company), `GET ${company}`, 200);
  out(`   ${profile.name}: managers ${profile.managerEmails.join(', ')}, locale ${profile.locale}, Personio client ${profile.personio?.clientId ?? '(none)'}`);
  const manager = profile.managerEmails[0] ?? '';
  if (profile.approval === 'required') {
    // Left so by an interrupted walk-through (its last steps set it back): the first syncs run without four eyes.
    profile = must<CompanyProfile>(await api.call('PUT', company, companySettings(profile, 'none')), `PUT ${company}`, 200);
    out('   approval was required (an interrupted walk-through?): set back to none; four eyes comes at the end');
  }

  // Persons of the demo in the sandbox, to count what Personio holds for them before and after each step.
  let personIds = new Set<string>();
  if (admin) {
    const demoEmails = new Set(DEMO_EMPLOYEES.map((e) => e.email));
    const persons = await admin.listPersons();
    personIds = new Set(persons.filter((p) => companyId !== DEMO_COMPANY_ID || demoEmails.has(p.email ?? '')).map((p) => p.id));
  }

  // 1. Connection test
  step('Connection test', `POST ${company}/connection-test`);
  let test = await api.call<{ status: string; ok?: boolean; poll?: string; checks?: { id: string; status: string; message: string }[] }>('POST', `${company}/connection-test`);
  must(test, 'connection test', 200, 202);
  while (test.status === 202 && test.json.poll) {
    await sleep(500);
    test = await api.call('GET', test.json.poll);
    must(test, 'poll the connection test', 200, 202);
  }
  for (const check of test.json.checks ?? []) out(`   ${pad(check.id, 30)} ${pad(check.status, 8)} ${check.message}`);
  if (!expect(test.json.ok === true, 'the stored credentials reach Personio with every permission the sync needs')) throw new Abort('fix the connection first');

  // 2. Compensation types
  step('Compensation types in Personio', `GET ${company}/personio/compensation-types`);
  const { compensationTypes } = must<{ compensationTypes: { id: string; name: string; category: string | null; suitableForBenefits: boolean }[] }>(
    await api.call('GET', `${company}/personio/compensation-types`),
    'list compensation types',
    200,
  );
  for (const t of compensationTypes) out(`   ${pad(t.name, 34)} ${pad(t.category ?? '-', 10)} ${pad(t.suitableForBenefits ? 'suitable for benefits' : 'not for benefits', 22)} id ${t.id}`);
  const mealType = compensationTypes.find((t) => t.name === MEAL_TYPE_NAME && t.suitableForBenefits);
  expect(mealType !== undefined, `a ONE_TIME type "${MEAL_TYPE_NAME}" exists for the meal benefit`);

  // 3. Mapping
  step('Map benefits to compensation types', `PUT ${company}/benefit-mappings`);
  const current = must<Mapping[]>(await api.call('GET', `${company}/benefit-mappings`), 'read the mappings', 200);
  const mappings = current.map((m) => (m.benefitKey === 'meal' && mealType ? { ...m, compensationTypeId: mealType.id } : m));
  const saved = must<Mapping[]>(await api.call('PUT', `${company}/benefit-mappings`, mappings), 'store the mappings', 200);
  const typeName = new Map(compensationTypes.map((t) => [t.id, t.name]));
  for (const m of saved) {
    out(
      `   ${pad(m.benefitKey, 10)} → ${
        m.compensationTypeId ? `${typeName.get(m.compensationTypeId) ?? '?'} (id ${m.compensationTypeId})` : `unmapped: a ONE_TIME type "${m.benefitName}" is created on the first sync`
      }`,
    );
  }

  // 4. Entries
  step(`Entries of ${period}`, `GET ${company}/payroll-periods/${period}/entries`);
  const entries = must<{ entryCount: number; currency: string; entries: { employeeEmail: string; benefitKey: string; amount: string }[] }>(
    await api.call('GET', `${company}/payroll-periods/${period}/entries?limit=3`),
    'read the entries',
    200,
  );
  out(`   ${entries.entryCount} entries in ${entries.currency}, e.g.`);
  for (const e of entries.entries) out(`     ${pad(e.employeeEmail, 38)} ${pad(e.benefitKey, 9)} ${e.amount}`);

  // 5. Dry run
  step('Dry run: what the sync would do, nothing written to Personio', `POST ${company}/payroll-syncs {"period":"${period}","dryRun":true}`);
  const before = await demoCompensationCount(admin, personIds);
  const dryStarted = await startSync(api, `${company}/payroll-syncs`, { period, dryRun: true });
  const dry = await waitForSync(api, companyId, dryStarted.syncId);
  const dc = dry.counts;
  out(`   sync ${dry.syncId}: ${dry.status} after ${seconds(dry)} s`);
  if (dc) {
    out(`   would create ${dc.wouldCreate} compensations, would correct ${dc.wouldCorrect}, already in Personio ${dc.alreadyPresent}`);
    out(`   ${dc.employees} employees: ${dc.employeesMatched} matched, ${dc.employeesUnmatched} not found in Personio, ${dc.employeesInactive} inactive`);
  }
  printResults(dry);
  expect(dry.status !== 'failed' && dc !== null, 'the dry run finished', dry.failure?.message ?? dry.status);
  expect((dc?.compensationsCreated ?? 0) === 0, 'the dry run created nothing');
  const after = await demoCompensationCount(admin, personIds);
  if (before !== undefined) expect(after === before, `Personio (sandbox) is unchanged: ${before} compensations of ${companyId} before and ${after} after`);
  const planned = (dc?.wouldCreate ?? 0) + (dc?.alreadyPresent ?? 0) + (dc?.wouldCorrect ?? 0);
  expect(planned > 0, 'the dry run found compensations to push', `${planned} planned`);

  // 6. The sync
  step('Sync: push the compensations into Personio', `POST ${company}/payroll-syncs {"period":"${period}"}`);
  const syncStarted = await startSync(api, `${company}/payroll-syncs`, { period });
  const sync = await waitForSync(api, companyId, syncStarted.syncId);
  const sc = sync.counts;
  out(`   sync ${sync.syncId}: ${sync.status} after ${seconds(sync)} s`);
  out(`   Temporal Web UI: ${sync.temporalUiUrl}`);
  if (sc) {
    out(`   created ${sc.compensationsCreated} compensations, already in Personio ${sc.alreadyPresent}, corrections ${sc.corrections}, failed ${sc.failed}`);
    out(`   ${sc.employees} employees: ${sc.employeesMatched} matched, ${sc.employeesUnmatched} not found in Personio, ${sc.employeesInactive} inactive`);
  }
  for (const t of sync.createdCompensationTypes) out(`   compensation type "${t.benefitName}" for ${t.benefitKey}: ${t.how === 'created' ? 'created' : 'found by name'} (id ${t.compensationTypeId})`);
  for (const t of sync.totals) out(`   ${pad(t.benefitKey, 10)} ${pad(`${t.entries} entries`, 12)} ${pad(t.amount, 9)} ${sync.currency ?? ''}, transferred ${t.transferred}`);
  printResults(sync);
  expect(sync.status === 'succeeded' || sync.status === 'partially_failed', 'the sync finished', sync.failure?.message ?? sync.status);
  expect((sc?.failed ?? -1) === 0 && (sc?.needsManualCorrection ?? -1) === 0, 'no compensation failed or needs manual correction');
  const pushed = (sc?.compensationsCreated ?? 0) + (sc?.alreadyPresent ?? 0) + (sc?.corrections ?? 0);
  expect(pushed === planned, `every planned compensation is in Personio (${pushed} of ${planned})`);
  const afterSync = await demoCompensationCount(admin, personIds);
  if (after !== undefined) {
    const expected = after + (sc?.compensationsCreated ?? 0) + (sc?.corrections ?? 0);
    expect(afterSync === expected, `Personio (sandbox) holds ${afterSync} compensations of ${companyId} (${after} + ${afterSync! - after} new)`, `expected ${expected}`);
  }

  // 7. Export log
  step('Export log', `GET ${company}/payroll-syncs?period=${period}`);
  const log = must<{ items: SyncView[] }>(await api.call('GET', `${company}/payroll-syncs?period=${period}&limit=10`), 'read the export log', 200);
  for (const run of log.items) {
    const c = run.counts;
    const what = !c ? '' : run.dryRun ? `would create ${c.wouldCreate}, present ${c.alreadyPresent}` : `created ${c.compensationsCreated}, present ${c.alreadyPresent}, failed ${c.failed}`;
    out(`   ${run.startedAt.slice(0, 19).replace('T', ' ')}  ${pad(run.dryRun ? 'dry run' : run.trigger, 8)} ${pad(run.status, 17)} ${what}`);
  }
  expect(log.items.some((r) => r.syncId === sync.syncId) && log.items.some((r) => r.syncId === dry.syncId), 'both runs are in the export log');

  // 8. Summary email
  step('Summary email to the managers');
  let detail = sync;
  let mail: CaughtMail | undefined;
  const emailDeadline = Date.now() + 20_000;
  for (let delay = 200; Date.now() < emailDeadline; delay = Math.min(delay * 2, 2000)) {
    detail = must<SyncView>(await api.call('GET', `${company}/payroll-syncs/${sync.syncId}?resultsLimit=1`), 'read the sync', 200);
    if (endpoints.mailWebUrl) mail = await findCaughtMail(endpoints.mailWebUrl, sync.syncId, manager, sync.startedAt).catch(() => undefined);
    if (detail.email && (mail || detail.email.status !== 'sent')) break;
    await sleep(delay);
  }
  out(`   email status on the sync: ${detail.email ? `${detail.email.status}${detail.email.recipients ? ` to ${detail.email.recipients.join(', ')}` : ''}${detail.email.error ? ` (${detail.email.error})` : ''}` : 'not recorded'}`);
  if (mail) out(`   caught: "${mail.subject}" to ${mail.to.join(', ')} — open ${endpoints.mailWebUrl}/messages/${encodeURIComponent(mail.id)}`);
  else out(`   no summary email was caught${endpoints.mailWebUrl ? ` (caught mail: ${endpoints.mailWebUrl})` : ''}`);
  const previewPath = `${company}/payroll-syncs/${sync.syncId}/summary-email`;
  const preview = await api.call('GET', `${previewPath}?format=text`);
  if (preview.status === 200) {
    out(`   preview: subject "${decodeURIComponent(preview.headers.get('x-email-subject') ?? '')}"`);
    out(`            curl -H "Authorization: Bearer $TOKEN" ${endpoints.apiUrl}${previewPath} > summary.html`);
  } else out(`   preview: ${endpoints.apiUrl}${previewPath} answered HTTP ${preview.status} (not available in this version)`);
  if (requireEmail) {
    expect(mail !== undefined, `the summary email reached ${manager}`);
    expect(preview.status === 200, 'the summary email preview renders');
  }

  // 9. Webhook
  step('Webhook to the platform: payroll_sync.completed, signed the Standard Webhooks way', endpoints.webhookCatcherUrl ? `caught at ${endpoints.webhookCatcherUrl}` : undefined);
  let hook: CaughtWebhook | undefined;
  if (endpoints.webhookCatcherUrl) {
    hook = await showSyncWebhook(api, endpoints.webhookCatcherUrl, sync.syncId);
    expect(hook?.verified === true, 'the platform received a verified payroll_sync.completed webhook of the sync', hook ? (hook.verifyError ?? 'not verified') : 'none arrived');
  } else out('   no webhook catcher: this dev command runs without one');

  // 10. The same sync again
  step('The same sync again: nothing is pushed twice', sync.links.retry ? `POST ${sync.links.retry}` : `POST ${company}/payroll-syncs {"period":"${period}"}`);
  const againStarted = await startSync(api, sync.links.retry ?? `${company}/payroll-syncs`, sync.links.retry ? undefined : { period });
  const again = await waitForSync(api, companyId, againStarted.syncId);
  const ac = again.counts;
  out(`   sync ${again.syncId} (${again.trigger}): ${again.status} after ${seconds(again)} s`);
  if (ac) out(`   created ${ac.compensationsCreated}, corrections ${ac.corrections}, already in Personio ${ac.alreadyPresent}, failed ${ac.failed}`);
  expect(ac?.compensationsCreated === 0 && ac.corrections === 0, 'nothing was created again', `created ${ac?.compensationsCreated}, corrections ${ac?.corrections}`);
  expect(ac?.alreadyPresent === pushed, `every compensation was recognised as already present (${ac?.alreadyPresent} of ${pushed})`);
  const afterAgain = await demoCompensationCount(admin, personIds);
  if (afterSync !== undefined) expect(afterAgain === afterSync, `Personio (sandbox) still holds ${afterAgain} compensations of ${companyId}`, `was ${afterSync}`);

  // 11–15. Four eyes, on the next month
  await fourEyes({ api, company, companyId, period: shiftPeriod(period, 1), profile, starter: manager, admin, personIds, mailWebUrl: endpoints.mailWebUrl });

  out();
  out('Look around:');
  out(`   Temporal Web UI   ${sync.temporalUiUrl}`);
  if (endpoints.mailWebUrl) out(`   caught mail       ${mail ? `${endpoints.mailWebUrl}/messages/${encodeURIComponent(mail.id)}` : endpoints.mailWebUrl}`);
  if (endpoints.webhookCatcherUrl) out(`   caught webhooks   ${endpoints.webhookCatcherUrl}`);
  out(`   export log        ${endpoints.apiUrl}${company}/payroll-syncs (Authorization: Bearer <token>)`);
  out(`   OpenAPI docs      ${endpoints.docsUrl}`);
}

try {
  await main();
} catch (error) {
  out();
  out(`✗ ${error instanceof Error ? error.message : String(error)}`);
  if (!failures.length) failures.push(error instanceof Error ? error.message : String(error));
}
out();
if (failures.length) {
  out(`Walk-through FAILED: ${failures.length} expectation(s) not met:`);
  for (const f of failures) out(`  - ${f}`);
  process.exitCode = 1;
} else out('Walk-through complete: every expectation met.');
