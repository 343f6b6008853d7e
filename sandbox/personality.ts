/**
 * The sandbox's personality: which reading it plays of each behaviour Personio's docs leave open
 * (see "Open readings" in /work/shared/personio-api.md). The product must be right under every one.
 */
import { z } from 'zod';

export interface SandboxPersonality {
  /** 'full' (default): a page's next.href repeats every query parameter of the request plus the new cursor.
   *  'cursor_only': next.href is `<path>?cursor=<opaque>` only (Personio's own doc examples); the cursor carries the
   *  request's filters and limit, and a request with a cursor is served with the filters and limit stored in the cursor
   *  (other query parameters sent alongside a cursor are ignored). */
  nextLinks: 'full' | 'cursor_only';
  /** GET /v2/persons?email=: 'case_insensitive' (default) or 'case_sensitive' (exact string match after trimming). */
  emailFilter: 'case_insensitive' | 'case_sensitive';
  /** Whether GET /v2/compensations items carry `comment` (default true: as posted, null when none). false: the field
   *  is left out entirely. The POST answer is unchanged. */
  listComments: boolean;
  /** Whether 429 answers of the per-credential resource rate limit (PUT /__admin/rate-limit) carry Retry-After
   *  (default true). The token endpoint's 429 keeps its header. Injected `status` faults keep doing what their spec says. */
  rateLimitRetryAfter: boolean;
  /** false (default): a compensation is listed only in the window containing its effective_from. true: a RECURRING
   *  compensation (type category RECURRING) is also listed in the window of every later month (same id, original
   *  effective_from, like one resource that keeps applying), as Personio repeats it every month. */
  recurringInLaterMonths: boolean;
  /** POST /v2/compensations with type.id in this list answers 403 even though the scopes are granted; nothing is stored. */
  writeForbiddenTypeIds: string[];
  /** null (default): comments are stored as posted. n: comments longer than n characters are cut silently to their
   *  first n characters when stored by POST /v2/compensations (so a listing returns the cut comment). */
  commentMaxLength: number | null;
}

export const DEFAULT_PERSONALITY: Readonly<SandboxPersonality> = Object.freeze({
  nextLinks: 'full',
  emailFilter: 'case_insensitive',
  listComments: true,
  rateLimitRetryAfter: true,
  recurringInLaterMonths: false,
  writeForbiddenTypeIds: [],
  commentMaxLength: null,
});

/** Every reading other than the default at once (writeForbiddenTypeIds needs ids, so it stays empty). */
export const STRICT_PERSONALITY: Readonly<SandboxPersonality> = Object.freeze({
  nextLinks: 'cursor_only',
  emailFilter: 'case_sensitive',
  listComments: false,
  rateLimitRetryAfter: false,
  recurringInLaterMonths: true,
  writeForbiddenTypeIds: [],
  commentMaxLength: 255,
});

export const PERSONALITY_PRESETS = { default: DEFAULT_PERSONALITY, strict: STRICT_PERSONALITY } as const;
export type PersonalityPresetName = keyof typeof PERSONALITY_PRESETS;
export const PERSONALITY_PRESET_NAMES = Object.keys(PERSONALITY_PRESETS) as PersonalityPresetName[];

/**
 * The input form: a preset (default 'default') and any fields overriding it → a full personality.
 * Unknown keys are refused: a misspelt option must not silently leave the default reading in place.
 */
export const personalityInputSchema = z
  .strictObject({
    preset: z.enum(['default', 'strict']).optional(),
    nextLinks: z.enum(['full', 'cursor_only']).optional(),
    emailFilter: z.enum(['case_insensitive', 'case_sensitive']).optional(),
    listComments: z.boolean().optional(),
    rateLimitRetryAfter: z.boolean().optional(),
    recurringInLaterMonths: z.boolean().optional(),
    writeForbiddenTypeIds: z.array(z.string().min(1)).optional(),
    commentMaxLength: z.number().int().positive().nullable().optional(),
  })
  .transform(({ preset, ...overrides }): SandboxPersonality => {
    const base = PERSONALITY_PRESETS[preset ?? 'default'];
    // Not `??`: null is a meaningful override (commentMaxLength).
    const given: Partial<SandboxPersonality> = overrides;
    const pick = <K extends keyof SandboxPersonality>(key: K): SandboxPersonality[K] =>
      given[key] === undefined ? base[key] : given[key];
    return {
      nextLinks: pick('nextLinks'),
      emailFilter: pick('emailFilter'),
      listComments: pick('listComments'),
      rateLimitRetryAfter: pick('rateLimitRetryAfter'),
      recurringInLaterMonths: pick('recurringInLaterMonths'),
      writeForbiddenTypeIds: [...pick('writeForbiddenTypeIds')],
      commentMaxLength: pick('commentMaxLength'),
    };
  });

export type SandboxPersonalityInput = z.input<typeof personalityInputSchema>;

/** The full personality an input stands for; throws an Error listing the problems when the input is invalid. */
export function resolvePersonality(input: SandboxPersonalityInput = {}): SandboxPersonality {
  const parsed = personalityInputSchema.safeParse(input);
  if (!parsed.success) throw new Error(`Invalid sandbox personality: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
