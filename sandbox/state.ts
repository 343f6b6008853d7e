/** The sandbox's in-memory data: plain maps, plus a JSON snapshot form for optional persistence. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Fault } from './fault-kinds.js';
import { resolvePersonality, type SandboxPersonality } from './personality.js';
import type { RequestLogEntry } from './request-log-entry.js';

export const ALL_SCOPES = [
  'personio:persons:read',
  'personio:compensations:read',
  'personio:compensations:write',
] as const;
export const DEFAULT_READABLE_ATTRIBUTES = ['email', 'first_name', 'last_name'];
/** Person attributes subject to the credential's readable-attributes whitelist. */
export const WHITELISTED_ATTRIBUTES = ['email', 'first_name', 'last_name', 'preferred_name', 'gender'] as const;
export const DEFAULT_CURRENCY = 'EUR';

export interface SandboxCredential {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  readableAttributes: string[];
}

export type PersonStatus = 'ACTIVE' | 'INACTIVE';

export interface SandboxPerson {
  id: string;
  seq: number;
  email?: string;
  first_name?: string;
  last_name?: string;
  preferred_name?: string;
  gender?: string;
  status: PersonStatus;
  created_at: string;
  updated_at: string;
}

export interface SandboxCompensationType {
  id: string;
  seq: number;
  name: string;
  category: string;
}

export interface SandboxCompensation {
  id: string;
  seq: number;
  personId: string;
  typeId: string;
  /** The decimal exactly as posted. */
  value: number;
  currency: string;
  effectiveFrom: string;
  interval?: string;
  comment?: string;
  legalEntityId?: string;
  createdAt: string;
  /** The credential that created it (undefined when seeded through the admin surface). */
  clientId?: string;
}

export interface SandboxToken {
  clientId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

export interface TokenEndpointWindow {
  hits: number[];
  penaltyUntil: number;
  lastPenaltyGrant: number;
}

/** The per-credential resource rate limit: `requests` within a sliding window of `windowMs`. */
export interface ResourceRateLimit {
  requests: number;
  windowMs: number;
}

export interface Snapshot {
  version: 1;
  counters: { seq: number; person: number; compensation: number };
  credentials: SandboxCredential[];
  persons: SandboxPerson[];
  compensationTypes: SandboxCompensationType[];
  compensations: SandboxCompensation[];
}

export class SandboxState {
  credentials = new Map<string, SandboxCredential>();
  persons = new Map<string, SandboxPerson>();
  compensationTypes = new Map<string, SandboxCompensationType>();
  compensations = new Map<string, SandboxCompensation>();
  /** Access token → its grant. Never persisted, never logged. */
  tokens = new Map<string, SandboxToken>();
  requests: RequestLogEntry[] = [];
  faults: Fault[] = [];
  /** Resource rate limit per credential; `default` applies to credentials without their own. */
  rateLimits: { default: ResourceRateLimit | null; perClient: Map<string, ResourceRateLimit | null> } = {
    default: null,
    perClient: new Map(),
  };
  /** Resource request times per credential (sliding window for the rate limit). */
  rateWindows = new Map<string, number[]>();
  /** Token endpoint request times per client id (150/min, then 1/s for 60 s). */
  tokenWindows = new Map<string, TokenEndpointWindow>();
  counters = { seq: 0, person: 1000, compensation: 5000, request: 0, fault: 0 };
  /** Bumped by reset(): requests still in flight from before a reset are neither handled nor logged. */
  epoch = 0;
  /** The readings of Personio's open behaviours played now (never persisted; reset() restores the initial one). */
  personality: SandboxPersonality;

  constructor(readonly initialPersonality: SandboxPersonality = resolvePersonality()) {
    this.personality = initialPersonality;
  }

  /** Called after every mutation of persisted data. */
  onMutation: () => void = () => {};

  reset(): void {
    this.epoch++;
    this.credentials.clear();
    this.persons.clear();
    this.compensationTypes.clear();
    this.compensations.clear();
    this.tokens.clear();
    this.requests = [];
    this.faults = [];
    this.rateLimits = { default: null, perClient: new Map() };
    this.rateWindows.clear();
    this.tokenWindows.clear();
    this.counters = { seq: 0, person: 1000, compensation: 5000, request: 0, fault: 0 };
    this.personality = this.initialPersonality;
    this.onMutation();
  }

  nextSeq(): number {
    return ++this.counters.seq;
  }

  newPersonId(): string {
    let id: string;
    do id = String(++this.counters.person);
    while (this.persons.has(id));
    return id;
  }

  newCompensationId(): string {
    let id: string;
    do id = String(++this.counters.compensation);
    while (this.compensations.has(id));
    return id;
  }

  newTypeId(): string {
    return randomUUID();
  }

  newAccessToken(): string {
    return `papi-${randomBytes(24).toString('base64url')}`;
  }

  snapshot(): Snapshot {
    return {
      version: 1,
      counters: { seq: this.counters.seq, person: this.counters.person, compensation: this.counters.compensation },
      credentials: [...this.credentials.values()],
      persons: [...this.persons.values()],
      compensationTypes: [...this.compensationTypes.values()],
      compensations: [...this.compensations.values()],
    };
  }

  restore(s: Snapshot): void {
    if (s.version !== 1) throw new Error(`unsupported sandbox data version ${String(s.version)}`);
    this.credentials = new Map(s.credentials.map((c) => [c.clientId, c]));
    this.persons = new Map(s.persons.map((p) => [p.id, p]));
    this.compensationTypes = new Map(s.compensationTypes.map((t) => [t.id, t]));
    this.compensations = new Map(s.compensations.map((c) => [c.id, c]));
    this.counters = { ...this.counters, ...s.counters };
  }
}
