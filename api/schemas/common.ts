import { z } from '@hono/zod-openapi';

export const companyIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1–64 letters, digits, "_" or "-", starting with a letter or digit')
  .openapi({ param: { name: 'companyId', in: 'path' }, example: 'acme-gmbh' });

export const companyParams = z.object({ companyId: companyIdSchema });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  })
  .openapi('Problem');

export const problemResponses = {
  400: { description: 'Invalid input', content: { 'application/problem+json': { schema: problemSchema } } },
  401: { description: 'Missing or wrong API token', content: { 'application/problem+json': { schema: problemSchema } } },
  404: { description: 'Unknown company or resource', content: { 'application/problem+json': { schema: problemSchema } } },
} as const;

export function isIanaTimezone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const timezoneSchema = z.string().refine(isIanaTimezone, 'must be an IANA time zone such as Europe/Berlin');
