/** A small typed client of the sandbox's /__admin surface, for tests and the dev seed. */
import type { FaultKind } from './faults.js';
import type { RequestLogEntry } from './request-log.js';

export interface AdminCredentialInput {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Default ['email', 'first_name', 'last_name']. */
  readableAttributes?: string[];
}
export interface AdminCredential {
  clientId: string;
  scopes: string[];
  readableAttributes: string[];
}
export interface AdminPersonInput {
  id?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  preferred_name?: string;
  gender?: string;
  status?: 'ACTIVE' | 'INACTIVE';
}
export interface AdminPerson extends AdminPersonInput {
  id: string;
  status: 'ACTIVE' | 'INACTIVE';
  created_at: string;
  updated_at: string;
}
export interface AdminCompensationType {
  id: string;
  name: string;
  category: string;
}
export interface AdminCompensationInput {
  personId: string;
  typeId: string;
  value: number;
  currency?: string;
  effectiveFrom: string;
  interval?: string;
  comment?: string;
  legalEntityId?: string;
}
export interface AdminCompensation {
  id: string;
  personId: string;
  typeId: string;
  /** The decimal as posted. */
  value: number;
  currency: string;
  effectiveFrom: string;
  interval?: string;
  comment?: string;
  legalEntityId?: string;
  createdAt: string;
  clientId?: string;
}
export interface AdminFaultInput {
  /** Default '*' (any). */
  method?: string;
  /** e.g. '/v2/compensations'; '*' = any /v2 path. */
  path: string;
  kind: FaultKind;
  latencyMs?: number;
  status?: number;
  /** Omitted → no Retry-After header. */
  retryAfterSeconds?: number;
  /** Fraction of matching requests hit (0..1), default 1. */
  rate?: number;
  /** Apply to the next N matching requests only; default unlimited. */
  count?: number;
  seed?: number;
}
export interface AdminFault {
  id: string;
  method: string;
  path: string;
  kind: FaultKind;
  latencyMs?: number;
  status?: number;
  retryAfterSeconds?: number;
  rate: number;
  remaining?: number;
  applied: number;
}
export type { RequestLogEntry, FaultKind };

export interface SandboxAdmin {
  reset(): Promise<void>;
  setCredentials(input: AdminCredentialInput): Promise<AdminCredential>;
  listCredentials(): Promise<AdminCredential[]>;
  deleteCredentials(clientId: string): Promise<void>;
  addPersons(persons: AdminPersonInput[]): Promise<AdminPerson[]>;
  listPersons(): Promise<AdminPerson[]>;
  addCompensationType(input: { name: string; category?: string }): Promise<AdminCompensationType>;
  listCompensationTypes(): Promise<AdminCompensationType[]>;
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
  /** null = no limit. With clientId: that credential only; without: every credential without its own limit. */
  setRateLimit(requestsPerMinute: number | null, clientId?: string): Promise<void>;
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

  return {
    async reset() {
      await call('POST', '/reset');
    },
    setCredentials: (input) => call('POST', '/credentials', input),
    listCredentials: async () => (await call<{ credentials: AdminCredential[] }>('GET', '/credentials')).credentials,
    async deleteCredentials(clientId) {
      await call('DELETE', `/credentials/${encodeURIComponent(clientId)}`);
    },
    addPersons: async (persons) => (await call<{ persons: AdminPerson[] }>('POST', '/persons', { persons })).persons,
    listPersons: async () => (await call<{ persons: AdminPerson[] }>('GET', '/persons')).persons,
    addCompensationType: (input) => call('POST', '/compensation-types', input),
    listCompensationTypes: async () =>
      (await call<{ compensationTypes: AdminCompensationType[] }>('GET', '/compensation-types')).compensationTypes,
    async deleteCompensationType(id) {
      await call('DELETE', `/compensation-types/${encodeURIComponent(id)}`);
    },
    addCompensation: (input) => call('POST', '/compensations', input),
    listCompensations: async () => (await call<{ compensations: AdminCompensation[] }>('GET', '/compensations')).compensations,
    async listRequests(filter = {}) {
      const q = new URLSearchParams();
      if (filter.method) q.set('method', filter.method);
      if (filter.path) q.set('path', filter.path);
      const qs = q.toString();
      return (await call<{ requests: RequestLogEntry[] }>('GET', `/requests${qs ? `?${qs}` : ''}`)).requests;
    },
    async clearRequests() {
      await call('DELETE', '/requests');
    },
    addFault: (input) => call('POST', '/faults', input),
    listFaults: async () => (await call<{ faults: AdminFault[] }>('GET', '/faults')).faults,
    async deleteFault(id) {
      await call('DELETE', `/faults/${encodeURIComponent(id)}`);
    },
    async clearFaults() {
      await call('DELETE', '/faults');
    },
    async setRateLimit(requestsPerMinute, clientId) {
      await call('PUT', '/rate-limit', clientId ? { requestsPerMinute, clientId } : { requestsPerMinute });
    },
  };
}
