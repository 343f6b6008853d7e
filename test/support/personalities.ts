// The sandbox readings every exactly-once test runs against: today's default, and `strict`, which plays every
// other reading of Personio's open behaviours at once (see sandbox/personality.ts).
import type { AdminPersonalityInput } from '../../sandbox/index.js';

export const SANDBOX_PERSONALITIES: readonly { name: string; personality?: AdminPersonalityInput }[] = [
  { name: 'default' },
  { name: 'strict', personality: { preset: 'strict' } },
];
