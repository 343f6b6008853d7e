/** A small typed client of the sandbox's /__admin surface, for tests and the dev seed. */
import type { z } from 'zod';
import type {
  compensationInputSchema,
  compensationTypeInputSchema,
  compensationTypePatchSchema,
  credentialInputSchema,
  personInputSchema,
  rateLimitInputSchema,
} from './admin.js';
import type { Fault, FaultKind, FaultSpec } from './faults.js';
import type { personalityInputSchema } from './personality.js';
import type { RequestLogEntry } from './request-log.js';
import type { SandboxCompensation, SandboxCompensationType, SandboxCredential, SandboxPerson } from './state.js';

// Each shape has one definition: the admin surface's input schemas (sandbox/admin.ts, sandbox/faults.ts,
// sandbox/personality.ts) for what goes in, the sandbox's state records (sandbox/state.ts) minus their internal
// fields for what comes back.

/** POST /__admin/credentials. readableAttributes defaults to ['email', 'first_name', 'last_name']. */
export type AdminCredentialInput = z.input<typeof credentialInputSchema>;
/** A credential as the admin surface shows it: never its secret. */
export type AdminCredential = Omit<SandboxCredential, 'clientSecret'>;
/** POST /__admin/persons, one person: upserts by id; status defaults to ACTIVE. */
export type AdminPersonInput = z.input<typeof personInputSchema>;
export type AdminPerson = Omit<SandboxPerson, 'seq'>;
/** POST /__admin/compensation-types. category defaults to ONE_TIME. */
export type AdminCompensationTypeInput = z.input<typeof compensationTypeInputSchema>;
export type AdminCompensationType = Omit<SandboxCompensationType, 'seq'>;
/** PATCH /__admin/compensation-types/:id: rename a type or change its category, as HR can in Personio's UI. */
export type AdminCompensationTypePatch = z.input<typeof compensationTypePatchSchema>;
/** POST /__admin/compensations: seeds a compensation (value 0 allowed); currency defaults to EUR. */
export type AdminCompensationInput = z.input<typeof compensationInputSchema>;
export type AdminCompensation = Omit<SandboxCompensation, 'seq'>;
/** POST /__admin/faults (see faultSpecSchema for the fields). */
export type AdminFaultInput = FaultSpec;
/** A fault as the admin surface lists it: without its PRNG state. */
export type AdminFault = Omit<Fault, 'rng'>;
/** PUT /__admin/rate-limit besides the number: clientId (only that credential) and windowSeconds (1–3600, default 60). */
export type AdminRateLimitOptions = Omit<z.input<typeof rateLimitInputSchema>, 'requestsPerMinute'>;
/** PUT /__admin/personality: a preset (default 'default') and fields overriding it; replaces the current personality. */
export type AdminPersonalityInput = z.input<typeof personalityInputSchema>;
/** The full personality the sandbox plays. */
export type AdminPersonality = z.output<typeof personalityInputSchema>;
export type { RequestLogEntry, FaultKind };

export interface SandboxAdmin {
  reset(): Promise<void>;
  setCredentials(input: AdminCredentialInput): Promise<AdminCredential>;
  listCredentials(): Promise<AdminCredential[]>;
  deleteCredentials(clientId: string): Promise<void>;
  addPersons(persons: AdminPersonInput[]): Promise<AdminPerson[]>;
  listPersons(): Promise<AdminPerson[]>;
  addCompensationType(input: AdminCompensationTypeInput): Promise<AdminCompensationType>;
  listCompensationTypes(): Promise<AdminCompensationType[]>;
  updateCompensationType(id: string, patch: AdminCompensationTypePatch): Promise<AdminCompensationType>;
  deleteCompensationType(id: string): Promise<void>;
  /** Seeds an existing compensation (value 0 allowed), bypassing Personio's validation. */
  addCompensation(input: AdminCompensationInput): Promise<AdminCompensation>;
  listCompensations(): Promise<AdminCompensation[]>;
  listRequests(filter?: { method?: string; path?: string }): Promise<RequestLogEntry[]>;
  clearRequests(): Promise<void>;
  addFault(input: AdminFaultInput): Promise<{ id: string }>;
  listFaults(): Promise<AdminFault[]>;
  deleteFault(id: string): Promise<void>;
  clearFaults(): Promise<void>;
  /**
   * null = no limit. With clientId (a string, or in the options): that credential only; without: every credential
   * without its own limit. windowSeconds: the sliding window's length (default 60; requestsPerMinute is per window).
   */
  setRateLimit(requestsPerMinute: number | null, scope?: string | AdminRateLimitOptions): Promise<void>;
  getPersonality(): Promise<AdminPersonality>;
  /** Replaces the personality (not merged with the current one); answers the full personality now played. */
  setPersonality(input: AdminPersonalityInput): Promise<AdminPersonality>;
}

export class SandboxAdminError extends Error {
  override readonly name = 'SandboxAdminError';
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export function createSandboxAdmin(baseUrl: string): SandboxAdmin {
  const root = `${baseUrl.replace(/\/+$/, '')}/__admin`;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    }
    const res = await fetch(`${root}${path}`, init);
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new SandboxAdminError(`sandbox admin ${method} ${path} failed: HTTP ${res.status} ${text}`, res.status, parsed);
    return parsed as T;
  }

  /** GET of a collection, answered as `{ [key]: T[] }`. */
  async function list<T>(path: string, key: string): Promise<T[]> {
    return (await call<Record<string, T[]>>('GET', path))[key]!;
  }

  async function remove(path: string, id?: string): Promise<void> {
    await call('DELETE', id === undefined ? path : `${path}/${encodeURIComponent(id)}`);
  }

  return {
    async reset() {
      await call('POST', '/reset');
    },
    setCredentials: (input) => call('POST', '/credentials', input),
    listCredentials: () => list('/credentials', 'credentials'),
    deleteCredentials: (clientId) => remove('/credentials', clientId),
    addPersons: async (persons) => (await call<{ persons: AdminPerson[] }>('POST', '/persons', { persons })).persons,
    listPersons: () => list('/persons', 'persons'),
    addCompensationType: (input) => call('POST', '/compensation-types', input),
    listCompensationTypes: () => list('/compensation-types', 'compensationTypes'),
    updateCompensationType: (id, patch) => call('PATCH', `/compensation-types/${encodeURIComponent(id)}`, patch),
    deleteCompensationType: (id) => remove('/compensation-types', id),
    addCompensation: (input) => call('POST', '/compensations', input),
    listCompensations: () => list('/compensations', 'compensations'),
    listRequests(filter = {}) {
      const q = new URLSearchParams();
      if (filter.method) q.set('method', filter.method);
      if (filter.path) q.set('path', filter.path);
      const qs = q.toString();
      return list(`/requests${qs ? `?${qs}` : ''}`, 'requests');
    },
    clearRequests: () => remove('/requests'),
    addFault: (input) => call('POST', '/faults', input),
    listFaults: () => list('/faults', 'faults'),
    deleteFault: (id) => remove('/faults', id),
    clearFaults: () => remove('/faults'),
    async setRateLimit(requestsPerMinute, scope) {
      const options = typeof scope === 'string' ? { clientId: scope } : (scope ?? {});
      await call('PUT', '/rate-limit', { requestsPerMinute, ...options });
    },
    getPersonality: () => call('GET', '/personality'),
    setPersonality: (input) => call('PUT', '/personality', input),
  };
}
