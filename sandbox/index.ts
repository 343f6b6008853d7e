export { createSandbox, type Sandbox, type SandboxOptions } from './app.js';
export { startSandbox, type StartSandboxOptions, type RunningSandbox } from './server.js';
export { SandboxState, ALL_SCOPES, DEFAULT_READABLE_ATTRIBUTES } from './state.js';
export type { SandboxCredential, SandboxPerson, SandboxCompensationType, SandboxCompensation, SandboxToken } from './state.js';
export type { RequestLogEntry } from './request-log.js';
export { FAULT_KINDS, type FaultKind, type Fault } from './faults.js';
export {
  DEFAULT_PERSONALITY,
  STRICT_PERSONALITY,
  PERSONALITY_PRESETS,
  PERSONALITY_PRESET_NAMES,
  personalityInputSchema,
  resolvePersonality,
  type SandboxPersonality,
  type SandboxPersonalityInput,
  type PersonalityPresetName,
} from './personality.js';
export { PERSONALITY_ENV_VAR, parsePersonalityEnv } from './personality-env.js';
export { createSandboxAdmin, SandboxAdminError } from './admin-client.js';
export type * from './admin-client.js';
