// Sending mail over SMTP with nodemailer. One transport per process; every send opens its own connection
// (summaries are rare), with short timeouts so a dead server fails an attempt in seconds, not minutes.
import { createTransport } from 'nodemailer';
import type { WorkerEnv } from '../config/env.js';

export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** With angle brackets: `<id@domain>`. Fixed per logical mail, so a re-send carries the same id. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
  response: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): void;
}

export interface SmtpConfig {
  /** `smtp://host:port` (STARTTLS when offered) or `smtps://user:pass@host:465`. */
  url: string;
  tlsRejectUnauthorized: boolean;
  requireTls: boolean;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

export function smtpConfigFromEnv(env: Pick<WorkerEnv, 'SMTP_URL' | 'SMTP_TLS_REJECT_UNAUTHORIZED' | 'SMTP_REQUIRE_TLS'>): SmtpConfig {
  return { url: env.SMTP_URL, tlsRejectUnauthorized: env.SMTP_TLS_REJECT_UNAUTHORIZED, requireTls: env.SMTP_REQUIRE_TLS };
}

/** Worst case of one attempt against an unresponsive server (connect + greeting + an idle socket). */
export const SMTP_TIMEOUTS = { connectionTimeoutMs: 10_000, greetingTimeoutMs: 10_000, socketTimeoutMs: 20_000 } as const;

const addressList = (value: unknown): string[] => (Array.isArray(value) ? value : []).map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address ?? a)));

export function createSmtpMailer(config: SmtpConfig): Mailer {
  const transport = createTransport({
    url: config.url,
    requireTLS: config.requireTls,
    tls: { rejectUnauthorized: config.tlsRejectUnauthorized },
    connectionTimeout: config.connectionTimeoutMs ?? SMTP_TIMEOUTS.connectionTimeoutMs,
    greetingTimeout: config.greetingTimeoutMs ?? SMTP_TIMEOUTS.greetingTimeoutMs,
    socketTimeout: config.socketTimeoutMs ?? SMTP_TIMEOUTS.socketTimeoutMs,
    // Nothing in our logs from the transport: messages carry addresses and content.
    logger: false,
    debug: false,
  });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: mail.messageId,
        ...(mail.headers ? { headers: mail.headers } : {}),
      });
      return { messageId: info.messageId, accepted: addressList(info.accepted), rejected: addressList(info.rejected), response: String(info.response ?? '') };
    },
    close: () => transport.close(),
  };
}

/** The domain part of a sender like `Payroll Sync <payroll-sync@example.com>`, for Message-IDs. */
export function senderDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match?.[1]?.toLowerCase() ?? 'payroll-sync.invalid';
}

/** Whether an SMTP failure will fail again the same way (5xx answers, rejected recipients, bad auth). */
export function isPermanentSmtpError(error: unknown): boolean {
  const e = error as { responseCode?: unknown; code?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) return true;
  return e.code === 'EENVELOPE' || e.code === 'EAUTH' || e.code === 'EMESSAGE';
}
