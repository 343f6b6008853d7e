// The demo a newcomer sees after `npm run dev`: a company "demo-gmbh" with 50 employees in the Personio
// sandbox, sandbox credentials, benefit mappings and last month's entries. Idempotent: every step looks
// first and only adds what is missing, so it runs on every start of the dev command (the sandbox and
// MongoDB keep their data across restarts) and never duplicates persons or types, nor undoes what a
// sync or the user changed (e.g. a mapping filled in by the first sync).
// The sandbox is seeded through its admin client, everything else through the HTTP API.
import { fileURLToPath } from 'node:url';
import { ALL_SCOPES, createSandboxAdmin, type AdminPersonInput } from '../sandbox/index.js';
import { createApiClient, type ApiResponse } from './api-client.js';
import { ensureCatcherEndpoint, type CatcherEndpointOptions } from './demo-webhooks.js';

export const DEMO_COMPANY_ID = 'demo-gmbh';
export const DEMO_MANAGER_EMAIL = 'hr@demo-gmbh.example';
export const DEMO_TIMEZONE = 'Europe/Berlin';
/** Sandbox-only credentials: not a secret, the sandbox runs on 127.0.0.1 and exists for the demo. */
export const DEMO_CLIENT_ID = 'demo-gmbh-sandbox-client';
export const DEMO_CLIENT_SECRET = 'demo-gmbh-sandbox-secret-not-for-production';
/** The existing ONE_TIME type the meal benefit is mapped to. */
export const MEAL_TYPE_NAME = 'Essenszuschuss';

export const DEMO_BENEFITS = [
  { benefitKey: 'meal', benefitName: MEAL_TYPE_NAME },
  { benefitKey: 'mobility', benefitName: 'Mobilitätsbudget' },
  { benefitKey: 'internet', benefitName: 'Internetpauschale' },
] as const;

/** Types a real Personio account would already hold; only Essenszuschuss is used by the demo. */
const SANDBOX_TYPES = [
  { name: 'Gehalt', category: 'RECURRING' },
  { name: MEAL_TYPE_NAME, category: 'ONE_TIME' },
  { name: 'Urlaubsgeld', category: 'ONE_TIME' },
  { name: 'Weihnachtsgeld', category: 'ONE_TIME' },
  { name: 'Firmenwagen (geldwerter Vorteil)', category: 'RECURRING' },
] as const;

const FIRST_NAMES = [
  'Anna', 'Lukas', 'Sophie', 'Paul', 'Hannah', 'Jonas', 'Marie', 'Felix', 'Lea', 'Maximilian',
  'Laura', 'Leon', 'Julia', 'Elias', 'Mia', 'Noah', 'Emma', 'Finn', 'Lena', 'Ben',
  'Sarah', 'Tim', 'Lisa', 'David', 'Katharina', 'Jan', 'Johanna', 'Moritz', 'Clara', 'Niklas',
  'Amelie', 'Tobias', 'Charlotte', 'Simon', 'Greta', 'Florian', 'Ida', 'Sebastian', 'Frieda', 'Matthias',
  'Jürgen', 'Özlem', 'Björn', 'Sören', 'Mehmet', 'Aleksandra', 'Giulia', 'Yusuf', 'Ines', 'Karl',
];
const LAST_NAMES = [
  'Schmidt', 'Becker', 'Wagner', 'Schulz', 'Hoffmann', 'Weber', 'Fischer', 'Meyer', 'Koch', 'Richter',
  'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann',
  'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier', 'Lehmann', 'Schmid', 'Schulze', 'Maier',
  'Köhler', 'Herrmann', 'König', 'Walter', 'Mayer', 'Huber', 'Kaiser', 'Fuchs', 'Peters', 'Lang',
  'Müller', 'Yılmaz', 'Jäger', 'Voß', 'Demir', 'Nowak', 'Rossi', 'Kaya', 'Vogel', 'Friedrich',
];

const ascii = (name: string) =>
  name
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[^a-z]/g, '');

export interface DemoEmployee {
  firstName: string;
  lastName: string;
  /** The email in Personio (the sandbox). */
  email: string;
  /** The email the benefits platform sends in its entries: differs for a few employees. */
  entryEmail: string;
  status: 'ACTIVE' | 'INACTIVE';
}

/** Entries whose email matches no Personio employee (an old domain, a typo, an initial). */
const ENTRY_EMAIL_MISMATCHES: Record<number, (email: string) => string> = {
  2: (email) => email.replace('@demo-gmbh.example', '@demo-gmbh.de'),
  1: (email) => email.replace(/^lukas\./, 'lucas.'),
  3: (email) => email.replace(/^paul\./, 'p.'),
};
/** Left the company last month: still in the platform's entries, INACTIVE in Personio. */
const INACTIVE_EMPLOYEE = 4;

export const DEMO_EMPLOYEES: readonly DemoEmployee[] = FIRST_NAMES.map((firstName, i) => {
  const lastName = LAST_NAMES[i] as string;
  const email = `${ascii(firstName)}.${ascii(lastName)}@demo-gmbh.example`;
  return {
    firstName,
    lastName,
    email,
    entryEmail: ENTRY_EMAIL_MISMATCHES[i]?.(email) ?? email,
    status: i === INACTIVE_EMPLOYEE ? 'INACTIVE' : 'ACTIVE',
  };
});

export interface DemoEntry {
  employeeEmail: string;
  benefitKey: string;
  amount: string;
}

/** Deterministic amounts: meal for everyone, mobility for two in three, internet for every other employee. */
export function demoEntries(): DemoEntry[] {
  const entries: DemoEntry[] = [];
  DEMO_EMPLOYEES.forEach((employee, i) => {
    entries.push({ employeeEmail: employee.entryEmail, benefitKey: 'meal', amount: (60 + ((i * 7) % 48) + (i % 4) * 0.35).toFixed(2) });
    if (i % 3 !== 2) entries.push({ employeeEmail: employee.entryEmail, benefitKey: 'mobility', amount: i % 5 === 0 ? '58.00' : (25 + (i % 6) * 5).toFixed(2) });
    if (i % 2 === 0) entries.push({ employeeEmail: employee.entryEmail, benefitKey: 'internet', amount: i % 4 === 0 ? '50.00' : '25.00' });
  });
  return entries;
}

/** The payroll period before the current month (in the company's time zone), YYYY-MM. */
export function previousPeriod(now: Date = new Date(), timeZone: string = DEMO_TIMEZONE): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(now);
  const year = Number(parts.find((p) => p.type === 'year')?.value);
  const month = Number(parts.find((p) => p.type === 'month')?.value);
  const [y, m] = month === 1 ? [year - 1, 12] : [year, month - 1];
  return `${y}-${String(m).padStart(2, '0')}`;
}

async function expectStatus<T>(response: Promise<ApiResponse<T>>, what: string, ...ok: number[]): Promise<ApiResponse<T>> {
  const res = await response;
  if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
  return res;
}

export interface SeedOptions {
  apiUrl: string;
  apiToken: string;
  personioBaseUrl: string;
  period?: string;
  log?: (line: string) => void;
  /** The dev command's webhook catcher: an endpoint for every event points at it, and it learns the endpoint's secret. */
  webhookCatcher?: CatcherEndpointOptions & { setSecret(secret: string): void };
}

export interface SeedResult {
  companyId: string;
  period: string;
  managerEmail: string;
  employees: number;
  entries: number;
  /** What this run added (all zero on a second run). */
  added: { persons: number; compensationTypes: number; credentials: boolean; company: boolean; mappings: number; entries: boolean; webhookEndpoint: boolean };
}

export async function seedDemo(opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? (() => undefined);
  const period = opts.period ?? previousPeriod();
  const admin = createSandboxAdmin(opts.personioBaseUrl);
  const api = createApiClient(opts.apiUrl, opts.apiToken);
  const added: SeedResult['added'] = { persons: 0, compensationTypes: 0, credentials: false, company: false, mappings: 0, entries: false, webhookEndpoint: false };

  // 1. Sandbox: credentials with every scope, the employees, the existing compensation types.
  const credential = (await admin.listCredentials()).find((c) => c.clientId === DEMO_CLIENT_ID);
  if (!credential || ALL_SCOPES.some((scope) => !credential.scopes.includes(scope))) {
    await admin.setCredentials({ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET, scopes: [...ALL_SCOPES] });
  }
  const knownEmails = new Set((await admin.listPersons()).map((p) => p.email?.toLowerCase()).filter(Boolean));
  const missing: AdminPersonInput[] = DEMO_EMPLOYEES.filter((e) => !knownEmails.has(e.email)).map((e) => ({
    email: e.email,
    first_name: e.firstName,
    last_name: e.lastName,
    status: e.status,
  }));
  if (missing.length > 0) added.persons = (await admin.addPersons(missing)).length;
  const types = await admin.listCompensationTypes();
  for (const type of SANDBOX_TYPES) {
    if (types.some((t) => t.name === type.name && t.category === type.category)) continue;
    await admin.addCompensationType(type);
    added.compensationTypes++;
  }

  // 2. The API: company, credentials (encrypted at rest by the API), mappings, entries.
  const companyPath = `/v1/companies/${DEMO_COMPANY_ID}`;
  let company = await expectStatus(api.call('GET', companyPath), 'read the demo company', 200, 404);
  if (company.status === 404) {
    company = await expectStatus(
      api.call('PUT', companyPath, { name: 'Demo GmbH', managerEmails: [DEMO_MANAGER_EMAIL], locale: 'de', timezone: DEMO_TIMEZONE }),
      'create the demo company',
      200,
    );
    added.company = true;
  }
  if ((company.json as { personio?: { clientId?: string } | null }).personio?.clientId !== DEMO_CLIENT_ID) {
    await expectStatus(
      api.call('PUT', `${companyPath}/personio-credentials`, { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET }),
      'store the sandbox credentials',
      200,
    );
    added.credentials = true;
  }

  const mappings = (await expectStatus(api.call<{ benefitKey: string; benefitName: string; compensationTypeId: string | null }[]>('GET', `${companyPath}/benefit-mappings`), 'read the benefit mappings', 200)).json;
  const unmappedBenefits = DEMO_BENEFITS.filter((b) => !mappings.some((m) => m.benefitKey.toLowerCase() === b.benefitKey));
  if (unmappedBenefits.length > 0) {
    const mealType = (await admin.listCompensationTypes()).find((t) => t.name === MEAL_TYPE_NAME && t.category === 'ONE_TIME');
    if (!mealType) throw new Error(`the sandbox has no ONE_TIME type "${MEAL_TYPE_NAME}"`);
    const next = [
      ...mappings,
      ...unmappedBenefits.map((b) => ({ benefitKey: b.benefitKey, benefitName: b.benefitName, compensationTypeId: b.benefitKey === 'meal' ? mealType.id : null })),
    ];
    await expectStatus(api.call('PUT', `${companyPath}/benefit-mappings`, next), 'store the benefit mappings', 200);
    added.mappings = unmappedBenefits.length;
  }

  const entries = demoEntries();
  const entriesPath = `${companyPath}/payroll-periods/${period}/entries`;
  const stored = await expectStatus(api.call('GET', `${entriesPath}?limit=1`), 'read the entries', 200, 404);
  if (stored.status === 404) {
    await expectStatus(api.call('PUT', entriesPath, { entries }), 'store the entries', 200);
    added.entries = true;
  }

  if (opts.webhookCatcher) {
    const endpoint = await ensureCatcherEndpoint(api, opts.webhookCatcher);
    opts.webhookCatcher.setSecret(endpoint.secret);
    added.webhookEndpoint = endpoint.created;
  }

  const result: SeedResult = {
    companyId: DEMO_COMPANY_ID,
    period,
    managerEmail: DEMO_MANAGER_EMAIL,
    employees: DEMO_EMPLOYEES.length,
    entries: stored.status === 200 ? (stored.json as { entryCount: number }).entryCount : entries.length,
    added,
  };
  const changes = [
    added.persons ? `${added.persons} persons` : '',
    added.compensationTypes ? `${added.compensationTypes} compensation types` : '',
    added.company ? 'company' : '',
    added.credentials ? 'credentials' : '',
    added.mappings ? `${added.mappings} mappings` : '',
    added.entries ? `${entries.length} entries for ${period}` : '',
    added.webhookEndpoint ? 'a webhook endpoint for the catcher' : '',
  ].filter(Boolean);
  log(`[seed] demo company "${DEMO_COMPANY_ID}": ${changes.length ? `added ${changes.join(', ')}` : 'already complete, nothing added'}`);
  return result;
}

// `tsx dev/demo-seed.ts` seeds a running dev command again (reads .data/dev-endpoints.json).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { readDevEndpoints } = await import('./dev-endpoints.js');
  const endpoints = readDevEndpoints();
  if (!endpoints.personioBaseUrl) throw new Error('the dev command runs without the Personio sandbox');
  await seedDemo({ apiUrl: endpoints.apiUrl, apiToken: endpoints.apiToken, personioBaseUrl: endpoints.personioBaseUrl, log: console.log });
}
