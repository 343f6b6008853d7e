/** The admin surface under /__admin (a test facility, not Personio behaviour). JSON in, JSON out. */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { isValidDate } from './dates.js';
import type { SandboxEnv } from './env.js';
import { addFault, faultSpecSchema, publicFault } from './faults.js';
import { personalityInputSchema } from './personality.js';
import {
  DEFAULT_CURRENCY,
  DEFAULT_READABLE_ATTRIBUTES,
  type SandboxCompensation,
  type SandboxCompensationType,
  type ResourceRateLimit,
  type SandboxPerson,
  type SandboxState,
} from './state.js';

export const credentialInputSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  scopes: z.array(z.string().min(1)),
  readableAttributes: z.array(z.string().min(1)).optional(),
});

export const personInputSchema = z.object({
  id: z.union([z.string().min(1), z.number().int().transform(String)]).optional(),
  email: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  preferred_name: z.string().optional(),
  gender: z.string().optional(),
  status: z.enum(['ACTIVE', 'INACTIVE']).optional(),
});

export const compensationTypeInputSchema = z.object({
  name: z.string().min(1),
  category: z.string().min(1).default('ONE_TIME'),
});

export const compensationTypePatchSchema = z.strictObject({ name: z.string().min(1).optional(), category: z.string().min(1).optional() });

export const compensationInputSchema = z.object({
  personId: z.string().min(1),
  typeId: z.string().min(1),
  /** Any finite decimal, 0 included (Personio does not list value-0 compensations). */
  value: z.number().finite(),
  currency: z.string().length(3).optional(),
  effectiveFrom: z.string().refine(isValidDate, 'effectiveFrom must be YYYY-MM-DD'),
  interval: z.string().optional(),
  comment: z.string().optional(),
  legalEntityId: z.string().optional(),
});

export const rateLimitInputSchema = z.object({
  /** Requests allowed within the window (a minute unless windowSeconds says otherwise); null = no limit. */
  requestsPerMinute: z.number().int().positive().nullable(),
  /** Only this credential; omitted = every credential without its own limit. */
  clientId: z.string().min(1).optional(),
  /** The sliding window's length (tests use a short one so they need not wait a minute). */
  windowSeconds: z.number().int().min(1).max(3600).default(60),
});

function publicCredential(c: { clientId: string; scopes: string[]; readableAttributes: string[] }) {
  return { clientId: c.clientId, scopes: c.scopes, readableAttributes: c.readableAttributes };
}

function publicRateLimit(limit: ResourceRateLimit | null) {
  return limit === null ? null : { requestsPerMinute: limit.requests, windowSeconds: limit.windowMs / 1000 };
}

function publicPerson(p: SandboxPerson) {
  const { seq: _seq, ...rest } = p;
  return rest;
}

function publicType(t: SandboxCompensationType) {
  return { id: t.id, name: t.name, category: t.category };
}

function publicCompensation(c: SandboxCompensation) {
  const { seq: _seq, ...rest } = c;
  return rest;
}

async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<{ ok: true; data: z.output<T> } | { ok: false; res: Response }> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return { ok: false, res: c.json({ error: 'The body must be JSON.' }, 400) };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, res: c.json({ error: 'Invalid body.', issues: parsed.error.issues }, 400) };
  return { ok: true, data: parsed.data };
}

export function createAdminRoutes(state: SandboxState, now: () => Date, reset: () => void): Hono<SandboxEnv> {
  const admin = new Hono<SandboxEnv>();

  admin.post('/reset', (c) => {
    reset();
    return c.json({ ok: true });
  });

  admin.post('/credentials', async (c) => {
    const body = await readJson(c, credentialInputSchema);
    if (!body.ok) return body.res;
    const credential = {
      clientId: body.data.clientId,
      clientSecret: body.data.clientSecret,
      scopes: Array.from(new Set(body.data.scopes)),
      readableAttributes: body.data.readableAttributes ?? [...DEFAULT_READABLE_ATTRIBUTES],
    };
    const previous = state.credentials.get(credential.clientId);
    if (previous && previous.clientSecret !== credential.clientSecret) {
      // A new secret invalidates the tokens issued with the old one.
      for (const grant of state.tokens.values()) if (grant.clientId === credential.clientId) grant.revoked = true;
    }
    state.credentials.set(credential.clientId, credential);
    state.onMutation();
    return c.json(publicCredential(credential));
  });

  admin.get('/credentials', (c) => c.json({ credentials: [...state.credentials.values()].map(publicCredential) }));

  admin.delete('/credentials/:clientId', (c) => {
    const clientId = c.req.param('clientId');
    if (!state.credentials.delete(clientId)) return c.json({ error: 'unknown credential' }, 404);
    for (const [token, grant] of state.tokens) if (grant.clientId === clientId) state.tokens.delete(token);
    state.onMutation();
    return c.body(null, 204);
  });

  admin.post('/persons', async (c) => {
    const body = await readJson(c, z.object({ persons: z.array(personInputSchema) }));
    if (!body.ok) return body.res;
    const at = now().toISOString();
    const created: SandboxPerson[] = [];
    for (const input of body.data.persons) {
      const id = input.id ?? state.newPersonId();
      const existing = state.persons.get(id);
      const person: SandboxPerson = {
        id,
        seq: existing?.seq ?? state.nextSeq(),
        status: input.status ?? 'ACTIVE',
        created_at: existing?.created_at ?? at,
        updated_at: at,
      };
      for (const key of ['email', 'first_name', 'last_name', 'preferred_name', 'gender'] as const) {
        const value = input[key];
        if (value !== undefined) person[key] = value;
      }
      state.persons.set(id, person);
      created.push(person);
    }
    state.onMutation();
    return c.json({ persons: created.map(publicPerson) });
  });

  admin.get('/persons', (c) =>
    c.json({ persons: [...state.persons.values()].sort((a, b) => a.seq - b.seq).map(publicPerson) }),
  );

  admin.post('/compensation-types', async (c) => {
    const body = await readJson(c, compensationTypeInputSchema);
    if (!body.ok) return body.res;
    const type: SandboxCompensationType = {
      id: state.newTypeId(),
      seq: state.nextSeq(),
      name: body.data.name,
      category: body.data.category,
    };
    state.compensationTypes.set(type.id, type);
    state.onMutation();
    return c.json(publicType(type));
  });

  admin.get('/compensation-types', (c) =>
    c.json({ compensationTypes: [...state.compensationTypes.values()].sort((a, b) => a.seq - b.seq).map(publicType) }),
  );

  // Personio lets HR change a type in its UI: a type mapped as ONE_TIME may not stay one.
  admin.patch('/compensation-types/:id', async (c) => {
    const type = state.compensationTypes.get(c.req.param('id'));
    if (!type) return c.json({ error: 'unknown compensation type' }, 404);
    const body = await readJson(c, compensationTypePatchSchema);
    if (!body.ok) return body.res;
    if (body.data.name !== undefined) type.name = body.data.name;
    if (body.data.category !== undefined) type.category = body.data.category;
    state.onMutation();
    return c.json(publicType(type));
  });

  admin.delete('/compensation-types/:id', (c) => {
    if (!state.compensationTypes.delete(c.req.param('id'))) return c.json({ error: 'unknown compensation type' }, 404);
    state.onMutation();
    return c.body(null, 204);
  });

  admin.post('/compensations', async (c) => {
    const body = await readJson(c, compensationInputSchema);
    if (!body.ok) return body.res;
    const d = body.data;
    const comp: SandboxCompensation = {
      id: state.newCompensationId(),
      seq: state.nextSeq(),
      personId: d.personId,
      typeId: d.typeId,
      value: d.value,
      currency: d.currency ?? DEFAULT_CURRENCY,
      effectiveFrom: d.effectiveFrom,
      createdAt: now().toISOString(),
    };
    if (d.interval !== undefined) comp.interval = d.interval;
    if (d.comment !== undefined) comp.comment = d.comment;
    if (d.legalEntityId !== undefined) comp.legalEntityId = d.legalEntityId;
    state.compensations.set(comp.id, comp);
    state.onMutation();
    return c.json(publicCompensation(comp));
  });

  admin.get('/compensations', (c) =>
    c.json({ compensations: [...state.compensations.values()].sort((a, b) => a.seq - b.seq).map(publicCompensation) }),
  );

  admin.get('/requests', (c) => {
    const method = c.req.query('method')?.toUpperCase();
    const path = c.req.query('path');
    const requests = state.requests.filter((r) => (!method || r.method === method) && (!path || r.path === path));
    return c.json({ requests });
  });

  admin.delete('/requests', (c) => {
    state.requests = [];
    return c.body(null, 204);
  });

  admin.post('/faults', async (c) => {
    const body = await readJson(c, faultSpecSchema);
    if (!body.ok) return body.res;
    const fault = addFault(state, body.data);
    return c.json({ id: fault.id });
  });

  admin.get('/faults', (c) => c.json({ faults: state.faults.map(publicFault) }));

  admin.delete('/faults', (c) => {
    state.faults = [];
    return c.body(null, 204);
  });

  admin.delete('/faults/:id', (c) => {
    const before = state.faults.length;
    state.faults = state.faults.filter((f) => f.id !== c.req.param('id'));
    return state.faults.length < before ? c.body(null, 204) : c.json({ error: 'unknown fault' }, 404);
  });

  admin.put('/rate-limit', async (c) => {
    const body = await readJson(c, rateLimitInputSchema);
    if (!body.ok) return body.res;
    const { requestsPerMinute, clientId, windowSeconds } = body.data;
    const limit = requestsPerMinute === null ? null : { requests: requestsPerMinute, windowMs: windowSeconds * 1000 };
    if (clientId !== undefined) state.rateLimits.perClient.set(clientId, limit);
    else {
      state.rateLimits.default = limit;
      state.rateLimits.perClient.clear();
    }
    state.rateWindows.clear();
    const perClient = [...state.rateLimits.perClient].map(([id, l]) => [id, publicRateLimit(l)]);
    return c.json({ default: publicRateLimit(state.rateLimits.default), perClient: Object.fromEntries(perClient) });
  });

  admin.get('/personality', (c) => c.json(state.personality));

  // Replaces the personality (a preset plus overrides), never merges with the current one.
  admin.put('/personality', async (c) => {
    const body = await readJson(c, personalityInputSchema);
    if (!body.ok) return body.res;
    state.personality = body.data;
    return c.json(state.personality);
  });

  return admin;
}
