// Reading what the stack's SMTP catcher received. Test files run in parallel: always filter by recipient.
import type { CaughtMail } from '../../dev/mail-catcher.js';
import { stack } from '../support/stack.js';

export async function caughtMails(): Promise<CaughtMail[]> {
  const res = await fetch(`${stack().mailWebUrl}/api/messages`);
  if (!res.ok) throw new Error(`mail catcher answered ${res.status}`);
  return (await res.json()) as CaughtMail[];
}

export async function mailsTo(address: string): Promise<CaughtMail[]> {
  return (await caughtMails()).filter((m) => m.envelopeTo.includes(address) || m.to.includes(address));
}

/** Intl's no-break spaces as plain spaces, so amounts read like `1.234,56 €` in assertions. */
export const plain = (text: string) => text.replace(/\u00a0|\u202f/g, ' ');
