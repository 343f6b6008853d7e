// A local webhook receiver for the dev command: accepts every POST, checks its Standard Webhooks signature with the
// secret the dev seed got when it created the catcher's endpoint, keeps each one as JSON in a folder, and serves a
// page (and a JSON API) listing them with their headers, body and whether the signature verified.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';

export interface CaughtWebhook {
  id: string;
  receivedAt: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The body's `type`, when it is JSON with one. */
  type: string | null;
  /** null: no secret was known when it arrived. */
  verified: boolean | null;
  verifyError: string | null;
}

export interface WebhookCatcher {
  /** Where endpoints should point (POST): `<url>/hooks`. */
  hookUrl: string;
  /** The page listing what arrived. */
  webUrl: string;
  setSecret(secret: string): void;
  stop(): Promise<void>;
}

export function readCaughtWebhooks(dir: string): CaughtWebhook[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return files.sort().map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as CaughtWebhook);
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function typeOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { type?: unknown };
    return typeof parsed.type === 'string' ? parsed.type : null;
  } catch {
    return null;
  }
}

function page(webhooks: CaughtWebhook[]): string {
  const verdict = (w: CaughtWebhook) =>
    w.verified === null ? '<span class="unknown">not checked (no secret yet)</span>' : w.verified ? '<span class="ok">✓ signature verified</span>' : `<span class="bad">✗ ${escapeHtml(w.verifyError ?? 'not verified')}</span>`;
  const items = webhooks
    .slice()
    .reverse()
    .map(
      (w) =>
        `<section><h2>${escapeHtml(w.type ?? '(no type)')} <small>${escapeHtml(w.receivedAt)} · POST ${escapeHtml(w.path)}</small></h2>` +
        `<p>${verdict(w)}</p>` +
        `<table>${Object.entries(w.headers)
          .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td><code>${escapeHtml(value)}</code></td></tr>`)
          .join('')}</table>` +
        `<pre>${escapeHtml(prettyBody(w.body))}</pre></section>`,
    )
    .join('');
  return (
    `<!doctype html><meta charset="utf-8"><title>Caught webhooks</title>` +
    `<style>body{font-family:sans-serif;margin:2em;max-width:70em}section{border-top:1px solid #ccc;padding:.5em 0}` +
    `h2 small{font-weight:normal;color:#666;font-size:.6em}th,td{text-align:left;padding:2px 10px;vertical-align:top}` +
    `pre{background:#f6f6f6;padding:1em;overflow:auto}.ok{color:#070}.bad{color:#b00}.unknown{color:#777}</style>` +
    `<h1>Caught webhooks</h1><p>Standard Webhooks deliveries from the payroll sync, newest first.</p>` +
    (items || '<p>No webhook yet.</p>')
  );
}

const SHOWN_HEADERS = ['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];

export async function startWebhookCatcher(opts: { dir: string; port: number; host?: string }): Promise<WebhookCatcher> {
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.dir, { recursive: true });
  let secret: string | undefined;
  let counter = 0;
  const app = new Hono();
  app.post('*', async (c) => {
    const body = await c.req.text();
    const headers = Object.fromEntries(SHOWN_HEADERS.map((name) => [name, c.req.header(name) ?? '']).filter(([, value]) => value !== ''));
    let verified: boolean | null = null;
    let verifyError: string | null = null;
    if (secret) {
      try {
        new Webhook(secret).verify(body, headers);
        verified = true;
      } catch (error) {
        verified = false;
        verifyError = error instanceof Error ? error.message : String(error);
      }
    }
    const receivedAt = new Date().toISOString();
    const id = `${receivedAt.replace(/[:.]/g, '-')}-${process.pid}-${++counter}`;
    const caught: CaughtWebhook = { id, receivedAt, path: c.req.path, headers, body, type: typeOf(body), verified, verifyError };
    writeFileSync(join(opts.dir, `${id}.json`), JSON.stringify(caught, null, 2));
    return c.body(null, 204);
  });
  app.get('/api/webhooks', (c) => c.json(readCaughtWebhooks(opts.dir)));
  app.delete('/api/webhooks', (c) => {
    rmSync(opts.dir, { recursive: true, force: true });
    mkdirSync(opts.dir, { recursive: true });
    return c.body(null, 204);
  });
  app.get('/', (c) => c.html(page(readCaughtWebhooks(opts.dir))));
  const server = serve({ fetch: app.fetch, port: opts.port, hostname: host });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const webUrl = `http://${host}:${opts.port}`;
  return {
    hookUrl: `${webUrl}/hooks`,
    webUrl,
    setSecret: (value) => {
      secret = value;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
