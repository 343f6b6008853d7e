// A local SMTP catcher: accepts every message, keeps it as JSON (plus the raw .eml) in a folder,
// and serves a small web page and JSON API to read them.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { simpleParser, type AddressObject } from 'mailparser';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  id: string;
  receivedAt: string;
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId?: string;
  headers: Record<string, string>;
}

export interface MailCatcher {
  smtpUrl: string;
  webUrl: string;
  mailDir: string;
  stop(): Promise<void>;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((entry) => entry.value.map((addr) => addr.address ?? '')).filter(Boolean);
}

export function readCaughtMails(mailDir: string): CaughtMail[] {
  let files: string[];
  try {
    files = readdirSync(mailDir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .sort()
    .map((name) => JSON.parse(readFileSync(join(mailDir, name), 'utf8')) as CaughtMail);
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function createMailWebApp(mailDir: string): Hono {
  const app = new Hono();
  app.get('/api/messages', (c) => c.json(readCaughtMails(mailDir)));
  app.delete('/api/messages', (c) => {
    rmSync(mailDir, { recursive: true, force: true });
    mkdirSync(mailDir, { recursive: true });
    return c.body(null, 204);
  });
  app.get('/messages/:id', (c) => {
    const mail = readCaughtMails(mailDir).find((m) => m.id === c.req.param('id'));
    if (!mail) return c.text('not found', 404);
    return c.html(mail.html || `<pre>${escapeHtml(mail.text)}</pre>`);
  });
  app.get('/', (c) => {
    const rows = readCaughtMails(mailDir)
      .reverse()
      .map(
        (m) =>
          `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(', '))}</td>` +
          `<td><a href="/messages/${encodeURIComponent(m.id)}">${escapeHtml(m.subject)}</a></td></tr>`,
      )
      .join('');
    return c.html(
      `<!doctype html><meta charset="utf-8"><title>Caught mail</title>` +
        `<style>body{font-family:sans-serif;margin:2em}td,th{padding:4px 12px;text-align:left}</style>` +
        `<h1>Caught mail</h1><table><tr><th>Received</th><th>To</th><th>Subject</th></tr>${rows || '<tr><td colspan="3">No mail yet</td></tr>'}</table>`,
    );
  });
  return app;
}

export async function startMailCatcher(opts: { mailDir: string; smtpPort: number; webPort: number; host?: string }): Promise<MailCatcher> {
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.mailDir, { recursive: true });
  let counter = 0;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const receivedAt = new Date().toISOString();
          const id = `${receivedAt.replace(/[:.]/g, '-')}-${process.pid}-${++counter}`;
          const mail: CaughtMail = {
            id,
            receivedAt,
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            from: addresses(parsed.from)[0] ?? '',
            to: addresses(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            messageId: parsed.messageId,
            headers: Object.fromEntries([...parsed.headerLines].map((h) => [h.key, h.line])),
          };
          writeFileSync(join(opts.mailDir, `${id}.json`), JSON.stringify(mail, null, 2));
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort, host, () => resolve());
  });
  const web = serve({ fetch: createMailWebApp(opts.mailDir).fetch, port: opts.webPort, hostname: host });
  await new Promise<void>((resolve) => web.once('listening', () => resolve()));
  return {
    smtpUrl: `smtp://${host}:${opts.smtpPort}`,
    webUrl: `http://${host}:${opts.webPort}`,
    mailDir: opts.mailDir,
    async stop() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => web.close(() => resolve()));
    },
  };
}
