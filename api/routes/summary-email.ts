import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.js';

export function registerSummaryEmailRoutes(_app: OpenAPIHono, _deps: ApiDeps): void {}
