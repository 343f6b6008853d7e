// Pushes one chunk of compensation items to Personio, exactly once, through the ledger:
// reconcile whatever is not known as pushed, then post only what is missing (an original or a correction).
import { Context } from '@temporalio/activity';
import type { Db } from 'mongodb';
import { payrollCollections, type LedgerDoc, type SyncItemDoc } from '../../db/payroll-collections.js';
import { compensationComment, ledgerIdOf, markerOf, markersIn } from '../../payroll/item-key.js';
import { decideItem, needsReconciliation, type ItemDecision } from '../../payroll/reconcile.js';
import { isPersonioError, type PersonioClient, type PersonioCompensation } from '../../personio/index.js';
import type { ActivityDeps } from '../deps.js';
import { personioClientFor } from '../personio-access.js';
import { mapPersonioErrors, toActivityFailure } from '../personio-failure.js';
import { forEachLimited, loadRun } from './sync-context.js';

/** Parallel POSTs within one chunk; the per-credential rate limiter paces them. */
const POSTS_IN_FLIGHT = 4;
/** Lost answers reconciled in place before the activity gives the item back to Temporal's retries. */
const INLINE_RECONCILE_ATTEMPTS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface PushChunkResult {
  items: number;
  created: number;
  corrections: number;
  alreadyPresent: number;
  needsManualCorrection: number;
  failed: number;
}

type ItemOutcome = Pick<SyncItemDoc, 'reason' | 'pushedBeforeCents' | 'personioCompensationIds'> & { status: Exclude<SyncItemDoc['status'], 'planned'> };

async function recordReconciled(db: Db, item: SyncItemDoc, run: { companyId: string; period: string; _id: string }, decision: ItemDecision): Promise<void> {
  const { ledger } = payrollCollections(db);
  for (const found of decision.reconciled) {
    const now = new Date();
    await ledger.updateOne(
      { _id: ledgerIdOf(item.itemKey, found.seq) },
      {
        $set: { status: 'pushed', personioCompensationId: found.personioCompensationId, amountCents: found.amountCents, reconciled: true, updatedAt: now },
        $setOnInsert: {
          itemKey: item.itemKey,
          seq: found.seq,
          companyId: run.companyId,
          period: run.period,
          personId: item.personId,
          compensationTypeId: item.compensationTypeId,
          currency: item.currency,
          effectiveFrom: item.effectiveFrom,
          marker: markerOf(item.itemKey, found.seq),
          syncId: run._id,
          createdAt: now,
        },
      },
      { upsert: true },
    );
  }
}

export function createPushChunkActivity(deps: ActivityDeps) {
  const p = payrollCollections(deps.db);

  async function post(client: PersonioClient, item: SyncItemDoc, run: { companyId: string; period: string; _id: string }, seq: number, amountCents: number): Promise<ItemOutcome> {
    const marker = markerOf(item.itemKey, seq);
    // An attempt Temporal has given up on (timed out, cancelled) must not post any more.
    Context.current().cancellationSignal.throwIfAborted();
    const now = new Date();
    // `pending` before the POST: if the answer is lost, the next attempt reconciles instead of posting blind.
    await p.ledger.updateOne(
      { _id: ledgerIdOf(item.itemKey, seq), status: { $ne: 'pushed' } },
      {
        $set: { status: 'pending', amountCents, syncId: run._id, updatedAt: now },
        $setOnInsert: {
          itemKey: item.itemKey,
          seq,
          companyId: run.companyId,
          period: run.period,
          personId: item.personId,
          compensationTypeId: item.compensationTypeId,
          currency: item.currency,
          effectiveFrom: item.effectiveFrom,
          marker,
          createdAt: now,
        },
      },
      { upsert: true },
    );
    const comment = compensationComment({ benefitNames: item.benefitNames, period: run.period, marker, correction: seq > 0 });
    for (let attempt = 1; ; attempt++) {
      try {
        const created = await client.createCompensation({
          personId: item.personId,
          typeId: item.compensationTypeId,
          amountCents,
          currency: item.currency,
          effectiveFrom: item.effectiveFrom,
          comment,
        });
        return await markPushed(item, seq, created.id);
      } catch (error) {
        if (isPersonioError(error) && !error.retryable) {
          // Refused (validation, permission, unknown person or type): nothing was stored in Personio.
          await p.ledger.updateOne({ _id: ledgerIdOf(item.itemKey, seq) }, { $set: { status: 'rejected', rejection: error.message, updatedAt: new Date() } });
          return { status: 'failed', reason: error.detail ? `${error.message} (${error.detail})` : error.message };
        }
        if (!isPersonioError(error) || !error.commitUnknown || attempt >= INLINE_RECONCILE_ATTEMPTS) throw toActivityFailure(error);
        // The POST may have been stored although no answer came back: look before posting again.
        await sleep(Math.min(250 * 2 ** attempt, 4_000));
        const held = await mapPersonioErrors(() => client.listCompensations({ period: run.period, personIds: [item.personId] }));
        const found = await findOwnPost(item, seq, amountCents, held);
        if (found) return await markPushed(item, seq, found.id, true);
      }
    }
  }

  /** Our post in Personio's listing: by marker, or — when Personio returns no comments — by type, date and amount. */
  async function findOwnPost(item: SyncItemDoc, seq: number, amountCents: number, held: PersonioCompensation[]): Promise<PersonioCompensation | undefined> {
    const candidates = held.filter((c) => c.typeId === item.compensationTypeId && c.effectiveFrom === item.effectiveFrom);
    if (held.some((c) => c.comment !== undefined)) return candidates.find((c) => markersIn(c.comment, item.itemKey).includes(seq));
    const claimed = new Set(
      (await p.ledger.find({ itemKey: item.itemKey, status: 'pushed' }).toArray()).map((d) => d.personioCompensationId).filter(Boolean),
    );
    return candidates.find((c) => c.amountCents === amountCents && !claimed.has(c.id));
  }

  async function markPushed(item: SyncItemDoc, seq: number, personioCompensationId: string, reconciled = false): Promise<ItemOutcome> {
    await p.ledger.updateOne(
      { _id: ledgerIdOf(item.itemKey, seq) },
      { $set: { status: 'pushed', personioCompensationId, updatedAt: new Date(), ...(reconciled ? { reconciled: true } : {}) } },
    );
    return { status: seq === 0 ? 'created' : 'correction_created', personioCompensationIds: [personioCompensationId] };
  }

  return {
    async pushChunk(input: { syncId: string; chunkNo: number }): Promise<PushChunkResult> {
      const run = await loadRun(deps.db, input.syncId);
      const all = await p.items.find({ syncId: input.syncId, chunkNo: input.chunkNo }).toArray();
      // Items finished by an earlier attempt of this activity keep their result.
      const todo = all.filter((item) => item.status === 'planned');
      const ledgerDocs = await p.ledger.find({ itemKey: { $in: todo.map((i) => i.itemKey) } }).toArray();
      const ledgerOf = new Map<string, LedgerDoc[]>();
      for (const doc of ledgerDocs) ledgerOf.set(doc.itemKey, [...(ledgerOf.get(doc.itemKey) ?? []), doc]);

      const pushable = todo.filter((item) => !item.typeWouldBeCreated);
      const toReconcile = pushable.filter((item) => needsReconciliation(ledgerOf.get(item.itemKey) ?? []));
      const client = pushable.length > 0 ? await personioClientFor(deps, run.companyId, 'sync') : undefined;
      const listing = new Map<string, PersonioCompensation[]>();
      if (client && toReconcile.length > 0) {
        const personIds = [...new Set(toReconcile.map((item) => item.personId))];
        const compensations = await mapPersonioErrors(() => client.listCompensations({ period: run.period, personIds }));
        for (const personId of personIds) listing.set(personId, []);
        for (const comp of compensations) listing.get(comp.personId)?.push(comp);
      }

      let done = 0;
      await forEachLimited(todo, POSTS_IN_FLIGHT, async (item) => {
        let outcome: ItemOutcome;
        if (item.typeWouldBeCreated) outcome = { status: 'would_create', pushedBeforeCents: 0 };
        else {
          const ledger = ledgerOf.get(item.itemKey) ?? [];
          const decision = decideItem(
            { itemKey: item.itemKey, compensationTypeId: item.compensationTypeId, effectiveFrom: item.effectiveFrom, desiredCents: item.amountCents },
            ledger,
            listing.get(item.personId),
          );
          if (!run.dryRun) await recordReconciled(deps.db, item, run, decision);
          const knownIds = [
            ...ledger.filter((d) => d.status === 'pushed' && d.personioCompensationId).map((d) => d.personioCompensationId as string),
            ...decision.reconciled.map((r) => r.personioCompensationId),
          ];
          if (decision.action === 'none') {
            // Pushed by an earlier attempt of this very sync: report what this sync did, not "already there".
            const byThisSync = ledger.filter((d) => d.status === 'pushed' && d.syncId === run._id);
            const status =
              decision.outcome === 'already_present' && byThisSync.length > 0
                ? byThisSync.some((d) => d.seq > 0) ? 'correction_created' : 'created'
                : decision.outcome;
            outcome = {
              status,
              pushedBeforeCents: decision.pushedCents,
              personioCompensationIds: knownIds,
              ...(decision.outcome === 'needs_manual_correction'
                ? { reason: `Personio already holds ${decision.pushedCents} cents for this compensation, more than the ${item.amountCents} cents now due: correct it in Personio by hand.` }
                : {}),
            };
          } else if (run.dryRun) {
            outcome = { status: decision.kind === 'original' ? 'would_create' : 'would_correct', pushedBeforeCents: decision.pushedCents, personioCompensationIds: knownIds };
          } else {
            const posted = await post(client as PersonioClient, item, run, decision.seq, decision.amountCents);
            outcome = { ...posted, pushedBeforeCents: decision.pushedCents, personioCompensationIds: [...knownIds, ...(posted.personioCompensationIds ?? [])] };
          }
        }
        await p.items.updateOne({ _id: item._id }, { $set: outcome });
        await p.entryResults.updateMany(
          { syncId: input.syncId, itemKey: item.itemKey },
          { $set: { status: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}), personioCompensationIds: outcome.personioCompensationIds ?? [] } },
        );
        Context.current().heartbeat({ chunkNo: input.chunkNo, done: ++done, total: todo.length });
      });

      const finished = await p.items.find({ syncId: input.syncId, chunkNo: input.chunkNo }, { projection: { status: 1 } }).toArray();
      const count = (...statuses: SyncItemDoc['status'][]) => finished.filter((i) => statuses.includes(i.status)).length;
      return {
        items: finished.length,
        created: count('created', 'would_create'),
        corrections: count('correction_created', 'would_correct'),
        alreadyPresent: count('already_present'),
        needsManualCorrection: count('needs_manual_correction'),
        failed: count('failed'),
      };
    },
  };
}
