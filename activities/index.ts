// All activities, built from their dependencies so tests can pass real or fake ones.
import type { ActivityDeps } from './deps.js';

export type { ActivityDeps } from './deps.js';

export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
