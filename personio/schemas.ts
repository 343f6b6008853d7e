/**
 * Tolerant zod schemas of Personio v2 responses. No Person field is declared required by Personio, so
 * every field is optional and a field of the wrong type is dropped instead of failing the whole page.
 * Unknown fields pass through.
 */
import { z } from 'zod';
import { valueToCents } from './money.js';
import type { PersonioCompensation, PersonioCompensationType, PersonioPerson } from './types.js';

/** A string, or a number turned into a string (ids); anything else → undefined. */
const looseId = z
  .union([z.string().min(1), z.number().transform((n) => String(n))])
  .optional()
  .catch(undefined);
const looseString = z.string().optional().catch(undefined);

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: looseString,
  expires_in: z.coerce.number().positive().optional().catch(undefined),
  scope: looseString,
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

const hrefSchema = z.looseObject({ href: z.string().min(1) }).optional().catch(undefined);

export const listEnvelopeSchema = z.looseObject({
  _data: z.array(z.unknown()),
  _meta: z
    .looseObject({
      links: z.looseObject({ self: hrefSchema, next: hrefSchema }).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});

export const personSchema = z.looseObject({
  id: looseId,
  email: looseString,
  first_name: looseString,
  last_name: looseString,
  preferred_name: looseString,
  status: looseString,
});

export const compensationTypeSchema = z.looseObject({
  id: looseId,
  name: looseString,
  category: looseString,
});

const refSchema = z.looseObject({ id: looseId, name: looseString, category: looseString }).optional().catch(undefined);

export const compensationSchema = z.looseObject({
  id: looseId,
  person: refSchema,
  type: refSchema,
  legal_entity: refSchema,
  /** Read form: nested amount. */
  amount: z.looseObject({ value: z.unknown().optional(), currency: looseString }).optional().catch(undefined),
  /** Create form: flat value/currency. */
  value: z.unknown().optional(),
  currency: looseString,
  effective_from: looseString,
  interval: looseString,
  comment: z.string().nullish().catch(undefined),
});

/** A person, or undefined when the item has no usable id. */
export function parsePerson(raw: unknown): PersonioPerson | undefined {
  const r = personSchema.safeParse(raw);
  if (!r.success || !r.data.id) return undefined;
  const p: PersonioPerson = { id: r.data.id };
  if (r.data.email !== undefined) p.email = r.data.email;
  if (r.data.first_name !== undefined) p.firstName = r.data.first_name;
  if (r.data.last_name !== undefined) p.lastName = r.data.last_name;
  if (r.data.status !== undefined) p.status = r.data.status;
  return p;
}

export function parseCompensationType(raw: unknown): PersonioCompensationType | undefined {
  const r = compensationTypeSchema.safeParse(raw);
  if (!r.success || !r.data.id) return undefined;
  const t: PersonioCompensationType = { id: r.data.id, name: r.data.name ?? '' };
  if (r.data.category !== undefined) t.category = r.data.category;
  return t;
}

const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})/;

/**
 * A compensation, or undefined when it lacks an id, person, type, amount or date. Skipping such an
 * item is safe for reconciliation: without those fields it could never match one of our payments.
 */
export function parseCompensation(raw: unknown): PersonioCompensation | undefined {
  const r = compensationSchema.safeParse(raw);
  if (!r.success) return undefined;
  const d = r.data;
  const personId = d.person?.id;
  const typeId = d.type?.id;
  const amountCents = valueToCents(d.amount !== undefined ? d.amount.value : d.value);
  const effectiveFrom = d.effective_from ? DATE_PREFIX.exec(d.effective_from)?.[1] : undefined;
  if (!d.id || !personId || !typeId || amountCents === undefined || !effectiveFrom) return undefined;
  const c: PersonioCompensation = { id: d.id, personId, typeId, amountCents, effectiveFrom };
  const currency = d.amount?.currency ?? d.currency;
  if (currency !== undefined) c.currency = currency;
  if (typeof d.comment === 'string') c.comment = d.comment;
  if (d.type?.name !== undefined) c.typeName = d.type.name;
  if (d.type?.category !== undefined) c.typeCategory = d.type.category;
  if (d.interval !== undefined) c.interval = d.interval;
  if (d.legal_entity?.id !== undefined) c.legalEntityId = d.legal_entity.id;
  return c;
}
