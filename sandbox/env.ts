/** Hono environment of the sandbox app. */
import type { IncomingMessage } from 'node:http';
import type { SandboxToken } from './state.js';

export interface SandboxBindings {
  /** Present when served by @hono/node-server (absent with app.request()). */
  incoming?: IncomingMessage;
}

export interface SandboxVariables {
  /** The credential a request belongs to, when known (for the request log). */
  clientId: string | undefined;
  /** The bearer token of the request (internal only: never logged, never returned). */
  accessToken: string | undefined;
  grant: SandboxToken | undefined;
  faultsApplied: string[] | undefined;
  repeatCursor: boolean | undefined;
  /** The ignore_filters fault fired: the listing is served without its filter parameters. */
  ignoreFilters: boolean | undefined;
  dropConnection: boolean | undefined;
  dropped: boolean | undefined;
}

export interface SandboxEnv {
  Bindings: SandboxBindings;
  Variables: SandboxVariables;
}
