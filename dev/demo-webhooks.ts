// The demo's webhook endpoint: every event goes to the dev command's webhook catcher. The signing secret is shown
// only by the PUT that creates the endpoint, so the seed keeps it in the data dir for the next start; an endpoint
// whose secret was lost is created anew.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../contracts/webhooks.js';
import type { ApiClient } from './api-client.js';

export const DEMO_WEBHOOK_ENDPOINT_ID = 'dev-catcher';

const storedSchema = z.object({ endpointId: z.string(), secret: z.string().startsWith('whsec_') });

function readStoredSecret(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = storedSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success && parsed.data.endpointId === DEMO_WEBHOOK_ENDPOINT_ID ? parsed.data.secret : undefined;
}

export interface CatcherEndpointOptions {
  /** Where the catcher takes POSTs. */
  hookUrl: string;
  /** Where the secret is kept between starts (in the git-ignored data dir). */
  secretFile: string;
}

/** Points the demo endpoint at the catcher (its port changes between starts) and answers its secret. */
export async function ensureCatcherEndpoint(api: ApiClient, opts: CatcherEndpointOptions): Promise<{ secret: string; created: boolean }> {
  const path = `/v1/webhook-endpoints/${DEMO_WEBHOOK_ENDPOINT_ID}`;
  const body = { url: opts.hookUrl, events: [...WEBHOOK_EVENT_TYPES], description: "The dev command's webhook catcher" };
  const stored = readStoredSecret(opts.secretFile);
  if (!stored) {
    const removed = await api.call('DELETE', path);
    if (removed.status !== 204 && removed.status !== 404) throw new Error(`remove the webhook endpoint whose secret was lost: HTTP ${removed.status} ${removed.text.slice(0, 300)}`);
  }
  const res = await api.call<{ secret?: string }>('PUT', path, body);
  if (res.status === 201 && res.json.secret) {
    writeFileSync(opts.secretFile, JSON.stringify({ endpointId: DEMO_WEBHOOK_ENDPOINT_ID, secret: res.json.secret }, null, 2), { mode: 0o600 });
    return { secret: res.json.secret, created: true };
  }
  if (res.status === 200 && stored) return { secret: stored, created: false };
  throw new Error(`set the webhook endpoint: HTTP ${res.status} ${res.text.slice(0, 300)}`);
}
