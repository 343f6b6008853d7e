// Where a running dev command can be reached: written by `npm run dev` to <DEV_DATA_DIR>/dev-endpoints.json
// once everything is up and seeded (removed again on shutdown), read by `npm run demo` and the e2e test.
// The file holds URLs only; the API token stays in dev-secrets.json (or API_TOKEN / API_TOKENS).
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const endpointsSchema = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  apiUrl: z.string(),
  docsUrl: z.string(),
  temporalUiUrl: z.string().nullable(),
  temporalNamespace: z.string(),
  mailWebUrl: z.string().nullable(),
  /** The dev command's webhook catcher page (absent from files of older dev commands). */
  webhookCatcherUrl: z.string().nullable().default(null),
  personioBaseUrl: z.string().nullable(),
  dataDir: z.string(),
  secretsFile: z.string(),
  demo: z.object({ companyId: z.string(), period: z.string(), managerEmail: z.string() }).nullable(),
});
export type DevEndpoints = z.infer<typeof endpointsSchema>;

export const devDataDir = (env: NodeJS.ProcessEnv = process.env) => resolve(env.DEV_DATA_DIR ?? '.data');
export const devEndpointsFile = (env: NodeJS.ProcessEnv = process.env) => env.DEV_ENDPOINTS_FILE ?? join(devDataDir(env), 'dev-endpoints.json');

export function writeDevEndpoints(file: string, endpoints: DevEndpoints): void {
  // Written whole, then renamed: a reader polling for the file never sees half of it.
  writeFileSync(`${file}.tmp`, JSON.stringify(endpoints, null, 2));
  renameSync(`${file}.tmp`, file);
}

export function removeDevEndpoints(file: string): void {
  rmSync(file, { force: true });
}

/** The endpoints of the running dev command plus the API token, with env overrides (API_URL, API_TOKEN). */
export function readDevEndpoints(env: NodeJS.ProcessEnv = process.env): DevEndpoints & { apiToken: string } {
  const file = devEndpointsFile(env);
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist: start the dev command first (npm run dev), and wait until it prints "Payroll sync is running."`);
  }
  const endpoints = endpointsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  if (env.API_URL) endpoints.apiUrl = env.API_URL.replace(/\/+$/, '');
  const apiToken = env.API_TOKEN ?? env.API_TOKENS?.split(',')[0]?.trim() ?? readTokenFrom(endpoints.secretsFile);
  return { ...endpoints, apiToken };
}

function readTokenFrom(secretsFile: string): string {
  try {
    const { apiToken } = JSON.parse(readFileSync(secretsFile, 'utf8')) as { apiToken?: unknown };
    if (typeof apiToken === 'string' && apiToken) return apiToken;
  } catch {
    // reported below
  }
  throw new Error(`no API token: set API_TOKEN, or let the dev command create ${secretsFile}`);
}
