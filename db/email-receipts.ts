// Email receipts: one document per mail (a sync summary: `_id` = syncId; a connection alert: `connection-alert:<transitionId>`;
// an approval request: `approval-request:<previewSyncId>`; an approval reminder: `approval-reminder:<syncId>`), inserted once, that makes the send
// idempotent across activity retries, workflow replays and concurrent calls.
//
//   (none) ──insert──▶ pending(claim) ──SMTP accepted──▶ sent      (final: never sent again)
//                             │                              
//                             └──every attempt failed──▶ failed ──a later call──▶ pending(claim) …
//
// A claim is a lease: a pending receipt whose claim is older than CLAIM_LEASE_MS belongs to an attempt that
// died (worker crash); the next call takes it over. While a claim is live, another caller waits for it.
// All reads and writes go by `_id` (FerretDB scans a collection for anything else).
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { MongoServerError, type Collection, type Db } from 'mongodb';

export interface EmailReceiptDoc {
  _id: string;
  kind: 'sync-summary' | 'connection-alert' | 'approval-request' | 'approval-reminder';
  companyId: string;
  status: 'pending' | 'sent' | 'failed';
  messageId: string;
  recipients: string[];
  /** SMTP attempts over all calls. */
  attempts: number;
  claimToken: string;
  claimedAt: Date;
  sentAt?: Date;
  smtpResponse?: string;
  error?: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Longer than one call's whole send loop (see summary-sender: new attempts stop after 60 s, one attempt
 * lasts at most 40 s) and shorter than the activity's start-to-close timeout (5 min), so the Temporal retry
 * of a crashed attempt finds the lease expired and takes over.
 */
export const CLAIM_LEASE_MS = 4 * 60_000;

export const emailReceipts = (db: Db): Collection<EmailReceiptDoc> => db.collection<EmailReceiptDoc>('email_receipts');

export type ClaimResult = { kind: 'claimed'; receipt: EmailReceiptDoc } | { kind: 'sent'; receipt: EmailReceiptDoc };

/**
 * Claims the right to send the summary of a sync, or learns that it was sent already. Waits (polling by
 * `_id`) while another live claim is in progress, at most until that claim's lease runs out.
 */
export async function claimReceipt(
  receipts: Collection<EmailReceiptDoc>,
  init: Pick<EmailReceiptDoc, '_id' | 'companyId' | 'messageId' | 'recipients'> & { kind?: EmailReceiptDoc['kind'] },
  opts: { leaseMs?: number; pollMs?: number; now?: () => Date } = {},
): Promise<ClaimResult> {
  const leaseMs = opts.leaseMs ?? CLAIM_LEASE_MS;
  const now = opts.now ?? (() => new Date());
  const claimToken = randomUUID();
  const at = now();
  const fresh: EmailReceiptDoc = { ...init, kind: init.kind ?? 'sync-summary', status: 'pending', attempts: 0, claimToken, claimedAt: at, createdAt: at, updatedAt: at };
  try {
    await receipts.insertOne(fresh);
    return { kind: 'claimed', receipt: fresh };
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
  }
  for (;;) {
    const existing = await receipts.findOne({ _id: init._id });
    if (!existing) throw new Error(`email receipt ${init._id} vanished`);
    if (existing.status === 'sent') return { kind: 'sent', receipt: existing };
    const expiresAt = existing.claimedAt.getTime() + leaseMs;
    if (existing.status === 'failed' || expiresAt <= now().getTime()) {
      const claimedAt = now();
      // Compare-and-set on the previous claim: of two callers taking over, exactly one wins.
      const taken = await receipts.updateOne(
        { _id: init._id, claimToken: existing.claimToken, status: existing.status },
        { $set: { status: 'pending', claimToken, claimedAt, updatedAt: claimedAt, recipients: init.recipients }, $unset: { error: '' } },
      );
      if (taken.modifiedCount === 1) {
        return { kind: 'claimed', receipt: { ...existing, status: 'pending', claimToken, claimedAt, updatedAt: claimedAt, recipients: init.recipients } };
      }
      continue;
    }
    await sleep(Math.min(opts.pollMs ?? 250, Math.max(10, expiresAt - now().getTime())));
  }
}

/** Records the outcome of a claim; a no-op when the claim was taken over meanwhile. */
export async function settleReceipt(
  receipts: Collection<EmailReceiptDoc>,
  claim: Pick<EmailReceiptDoc, '_id' | 'claimToken'>,
  outcome: { status: 'sent'; attempts: number; smtpResponse: string; at: Date } | { status: 'failed'; attempts: number; error: string; at: Date },
): Promise<boolean> {
  const set =
    outcome.status === 'sent'
      ? { status: 'sent' as const, attempts: outcome.attempts, smtpResponse: outcome.smtpResponse, sentAt: outcome.at, updatedAt: outcome.at }
      : { status: 'failed' as const, attempts: outcome.attempts, error: outcome.error, updatedAt: outcome.at };
  const result = await receipts.updateOne({ _id: claim._id, claimToken: claim.claimToken }, { $set: set });
  return result.modifiedCount === 1;
}
