/** SANDBOX_PERSONALITY: how `npm run sandbox` and the dev/test stack pick the sandbox's personality. */
import { z } from 'zod';
import { PERSONALITY_PRESET_NAMES, personalityInputSchema, type SandboxPersonality } from './personality.js';

export const PERSONALITY_ENV_VAR = 'SANDBOX_PERSONALITY';

/**
 * The personality a SANDBOX_PERSONALITY value asks for: a preset name (`strict`) or a JSON object in the input form
 * (`{"preset":"strict","listComments":true}`). Unset or blank → undefined (the default personality).
 * Throws an Error naming the variable when the value is neither.
 */
export function parsePersonalityEnv(raw: string | undefined): SandboxPersonality | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  const presets = PERSONALITY_PRESET_NAMES.join(', ');
  let input: unknown;
  if (value.startsWith('{')) {
    try {
      input = JSON.parse(value);
    } catch (err) {
      throw new Error(`${PERSONALITY_ENV_VAR} is not valid JSON (${(err as Error).message}): ${value}`);
    }
  } else if ((PERSONALITY_PRESET_NAMES as string[]).includes(value)) {
    input = { preset: value };
  } else {
    throw new Error(`${PERSONALITY_ENV_VAR} must be a preset name (${presets}) or a JSON object, got: ${value}`);
  }
  const parsed = personalityInputSchema.safeParse(input);
  if (!parsed.success) throw new Error(`${PERSONALITY_ENV_VAR} is not a valid personality: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
