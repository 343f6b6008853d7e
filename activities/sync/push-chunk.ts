// Pushes one chunk of compensation items to Personio, exactly once, through the ledger:
// reconcile whatever is not known as pushed, then post only what is missing (an original or a correction).
import { FailureType, rootApplicationFailure } from '../../contracts/failures.js';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { itemLedger, ledgersOf, readChunkRecords, readPeriodLedgers, recordPending, recordPushed, type LedgerContext, type PushedFact } from '../../db/ledger.js';
import type { SyncRunDoc } from '../../db/sync-runs.js';
import { chunkDocId, saveChunkResult, syncWorkCollections, type ItemOutcome, type SyncChunkPlanDoc, type SyncItem } from '../../db/sync-work.js';
import { compensationComment, markerOf } from '../../payroll/item-key.js';
import { candidatesFor, decidePush, findOwnPost, needsReconciliation, type ItemLedger } from '../../payroll/reconcile.js';
import { isPersonioError, type PersonioClient, type PersonioCompensation } from '../../personio/index.js';
import type { ActivityDeps } from '../deps.js';
import { personioClientFor } from '../personio-access.js';
import { periodScope, takeFence } from '../../db/push-fences.js';
import { enterChunkFence, fenceGraceMs, type ChunkFence } from './chunk-fence.js';
import { abortableSleep } from '../../personio/abort.js';
import { forEachLimited, loadRun } from './sync-context.js';

/** Parallel POSTs within one chunk; the per-credential rate limiter paces them. */
const POSTS_IN_FLIGHT = 8;
/** Lost answers reconciled in place before the activity hands the chunk back to Temporal's retries. */
const INLINE_RECONCILE_ATTEMPTS = 5;
/** The client's default request timeout (personio/settings.ts), when the worker did not say. */
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

export interface PushChunkResult {
  items: number;
  created: number;
  corrections: number;
  alreadyPresent: number;
  needsManualCorrection: number;
  failed: number;
}

function summarize(outcomes: ItemOutcome[]): PushChunkResult {
  const count = (...statuses: ItemOutcome['status'][]) => outcomes.filter((o) => statuses.includes(o.status)).length;
  return {
    items: outcomes.length,
    created: count('created', 'would_create'),
    corrections: count('correction_created', 'would_correct'),
    alreadyPresent: count('already_present'),
    needsManualCorrection: count('needs_manual_correction'),
    failed: count('failed'),
  };
}

interface PlannedPost {
  index: number;
  item: SyncItem;
  seq: number;
  amountCents: number;
  pushedBeforeCents: number;
  knownIds: string[];
}

interface UnansweredPost {
  planned: PlannedPost;
  error: unknown;
  /** When its last send began (a POST may land up to the fence's grace after it). */
  sentAtMs: number;
}

/** One attempt's posting under its chunk fence, and what it sent (for the attempt's log line). */
class GuardedAttempt {
  /** A POST ended without an answer and was not settled: it may still land. */
  uncertain = false;
  /** POSTs that ended without an answer, waiting for settleUnanswered. */
  readonly unanswered: UnansweredPost[] = [];
  private sent = 0;
  private firstPostAt: Date | undefined;
  private lastPostAt: Date | undefined;

  constructor(readonly fence: ChunkFence) {}

  /** Before every POST (re-sends included): the fence check, then the count. */
  async beforePost(): Promise<void> {
    await this.fence.beforePost();
    this.sent++;
    this.lastPostAt = new Date();
    this.firstPostAt ??= this.lastPostAt;
  }

  figures() {
    return { posts: this.sent, ...(this.firstPostAt ? { firstPostAt: this.firstPostAt.toISOString() } : {}), ...(this.lastPostAt ? { lastPostAt: this.lastPostAt.toISOString() } : {}) };
  }
}

export function createPushChunkActivity(deps: ActivityDeps) {
  const work = syncWorkCollections(deps.db);
  const pushTiming = { requestTimeoutMs: deps.push?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS };

  /**
   * Pending records in growing waves (POSTS_IN_FLIGHT posts, then twice as many each time), each written before the
   * first POST of its wave: a few documents per chunk, and a successor of an attempt that died knows which items it
   * may have posted (those wait for its POSTs to land) and which it never reached (those go at once).
   */
  function pendingWaves(ctx: LedgerContext, posts: PlannedPost[]): (planned: PlannedPost) => Promise<void> {
    const waves: { end: number; written?: Promise<void> }[] = [];
    for (let start = 0, size = POSTS_IN_FLIGHT; start < posts.length; start += size, size *= 2) waves.push({ end: Math.min(posts.length, start + size) });
    const position = new Map(posts.map((p, k) => [p, k]));
    return (planned) => {
      const k = position.get(planned) as number;
      const w = waves.findIndex((wave) => k < wave.end);
      const wave = waves[w] as (typeof waves)[number];
      wave.written ??= recordPending(deps.db, ctx, posts.slice(w === 0 ? 0 : (waves[w - 1] as (typeof waves)[number]).end, wave.end));
      return wave.written;
    };
  }

  const outcomeOfPost = (planned: PlannedPost, pushed: PushedFact[], personioCompensationId: string, actualCents: number, reconciled: boolean): ItemOutcome => {
    const { item, seq } = planned;
    pushed.push({ item, seq, amountCents: actualCents, personioCompensationId, ...(reconciled ? { reconciled } : {}) });
    return {
      itemKey: item.itemKey,
      status: seq === 0 ? 'created' : 'correction_created',
      pushedBeforeCents: planned.pushedBeforeCents,
      personioCompensationIds: [...planned.knownIds, personioCompensationId],
    };
  };

  /**
   * Posts one compensation through the fence. Answers the outcome, or `undefined` when the POST ended without an
   * answer (it may have been stored, or may still be): the item then waits in `guarded.unanswered` for settleUnanswered.
   */
  async function post(client: PersonioClient, ctx: LedgerContext, planned: PlannedPost, pushed: PushedFact[], guarded: GuardedAttempt): Promise<ItemOutcome | undefined> {
    const { item, seq, amountCents } = planned;
    const comment = compensationComment({ benefitNames: item.benefitNames, period: ctx.period, marker: markerOf(item.itemKey, seq), correction: seq > 0 });
    // An attempt Temporal has given up on (timed out, cancelled) must not post any more.
    Context.current().cancellationSignal.throwIfAborted();
    let sentAtMs = 0;
    const beforeSend = async () => {
      await guarded.beforePost();
      sentAtMs = Date.now();
    };
    try {
      const created = await client.createCompensation(
        { personId: item.personId, typeId: item.compensationTypeId, amountCents, currency: item.currency, effectiveFrom: item.effectiveFrom, comment },
        { beforeSend },
      );
      return outcomeOfPost(planned, pushed, created.id, amountCents, false);
    } catch (error) {
      if (rootApplicationFailure(error)?.type === FailureType.PushFenceLost) throw error; // stopped before sending
      if (isPersonioError(error) && !error.retryable) {
        // Refused (validation, permission, unknown person or type): nothing was stored in Personio.
        return {
          itemKey: item.itemKey,
          status: 'failed',
          reason: error.detail && !error.message.includes(error.detail) ? `${error.message} (${error.detail})` : error.message,
          errorKind: error.kind,
          ...(error.missingScope ? { missingScope: error.missingScope } : {}),
          pushedBeforeCents: planned.pushedBeforeCents,
          personioCompensationIds: planned.knownIds,
        };
      }
      // Sent, and no answer: it may be stored already, or be stored later (a POST Personio is still working on).
      guarded.uncertain = true;
      if (!isPersonioError(error) || !error.commitUnknown) throw error;
      guarded.unanswered.push({ planned, error, sentAtMs });
      return undefined;
    }
  }

  /**
   * The POSTs that ended without an answer, settled in place. Most were stored before their answer got lost: a
   * listing right away finds them, and a found POST is settled (this attempt sends an item again only after its
   * previous POST can have landed, so none is still on its way). The others may still be on their way: they are
   * listed again once they can have landed (the fence's grace after their send), and only what is still missing is
   * posted again — a few rounds, then the attempt fails and its successor reconciles from the pending records.
   */
  async function settleUnanswered(client: PersonioClient, ctx: LedgerContext, outcomes: ItemOutcome[], pushed: PushedFact[], guarded: GuardedAttempt): Promise<void> {
    const signal = Context.current().cancellationSignal;
    const findStored = async (posts: UnansweredPost[]): Promise<UnansweredPost[]> => {
      const held = await client.listCompensations({ period: ctx.period, personIds: [...new Set(posts.map((w) => w.planned.item.personId))] });
      return posts.filter(({ planned }) => {
        const found = findOwnPost(candidatesFor(planned.item, held), planned.item.itemKey, planned.seq, planned.amountCents, new Set(planned.knownIds));
        if (found) outcomes[planned.index] = outcomeOfPost(planned, pushed, found.id, found.amountCents, true);
        return !found;
      });
    };
    for (let round = 1; guarded.unanswered.length > 0; round++) {
      const waiting = guarded.unanswered.splice(0);
      if (round > INLINE_RECONCILE_ATTEMPTS) throw (waiting[0] as UnansweredPost).error;
      const notYet = await findStored(waiting);
      if (notYet.length === 0) continue;
      await abortableSleep(Math.max(...notYet.map((w) => w.sentAtMs)) + fenceGraceMs(pushTiming) - Date.now(), signal);
      const missing = await findStored(notYet);
      await forEachLimited(missing, POSTS_IN_FLIGHT, async ({ planned }) => {
        const outcome = await post(client, ctx, planned, pushed, guarded);
        if (outcome) outcomes[planned.index] = outcome;
      });
    }
    // Every POST of this attempt was answered or found: nothing of it can still land.
    guarded.uncertain = false;
  }

  /** Decides one item from its ledger and Personio's listing (payroll/reconcile.ts): an outcome now, or a post to make. */
  function decide(run: SyncRunDoc, index: number, item: SyncItem, ledger: ItemLedger, listing: PersonioCompensation[] | undefined, reconciledFacts: PushedFact[]): ItemOutcome | PlannedPost {
    const verdict = decidePush(
      { itemKey: item.itemKey, compensationTypeId: item.compensationTypeId, effectiveFrom: item.effectiveFrom, desiredCents: item.amountCents },
      ledger,
      listing,
      { syncId: run._id, dryRun: run.dryRun, typeWouldBeCreated: item.typeWouldBeCreated === true },
    );
    for (const found of verdict.reconciled) reconciledFacts.push({ item, ...found, reconciled: true });
    if (verdict.post) return { index, item, seq: verdict.seq, amountCents: verdict.amountCents, pushedBeforeCents: verdict.pushedBeforeCents, knownIds: verdict.knownIds };
    return {
      itemKey: item.itemKey,
      status: verdict.status,
      pushedBeforeCents: verdict.pushedBeforeCents,
      personioCompensationIds: verdict.knownIds,
      ...(verdict.reason ? { reason: verdict.reason } : {}),
    };
  }

  return {
    pushChunk: (input: { syncId: string; chunkNo: number }): Promise<PushChunkResult> => pushChunk(input),
  };

  async function pushChunk(input: { syncId: string; chunkNo: number }): Promise<PushChunkResult> {
    const chunkId = chunkDocId(input.syncId, input.chunkNo);
    // Only a retried attempt can find its result written; a first attempt skips the lookup (on FerretDB a
    // miss scans the collection). Should a first attempt redo a finished chunk anyway (a workflow reset),
    // the ledger makes the redo post nothing twice and the first result is kept.
    const retried = Context.current().info.attempt > 1;
    const [done, run, plan] = await Promise.all([
      retried ? work.chunkResults.findOne({ _id: chunkId }) : null,
      loadRun(deps.db, input.syncId),
      work.chunkPlans.findOne({ _id: chunkId }),
    ]);
    if (done) return summarize(done.outcomes);
    if (!plan) throw ApplicationFailure.nonRetryable(`Sync ${input.syncId} has no chunk ${input.chunkNo}`, FailureType.ChunkNotFound);
    const pushable = plan.items.some((item) => !item.typeWouldBeCreated);
    const chunk = { run, plan, chunkId, chunkNo: input.chunkNo, pushable, ctx: { syncId: run._id, companyId: run.companyId, period: run.period, chunkNo: input.chunkNo } };
    if (run.dryRun || !pushable) return pushChunkItems(chunk, undefined);
    // Before anything is read from Personio: this attempt holds the chunk, and whatever an attempt or a sync before
    // it may still have on the wire has landed.
    const info = Context.current().info;
    // A sync begun before period fences existed takes its period's fence here (the same generation for every chunk).
    const periodFence = run.periodFence ?? (await takeFence(deps.db, periodScope(run.companyId, run.period), run._id));
    const holder = `${info.workflowExecution?.runId ?? 'standalone'}:${info.attempt}`;
    const attemptLog = { syncId: run._id, chunkNo: input.chunkNo, attempt: info.attempt };
    deps.logger.info('push attempt started', attemptLog);
    const fence = await enterChunkFence(deps.db, { ...chunk.ctx, holder, periodFence }, pushTiming, Context.current().cancellationSignal);
    const guarded = new GuardedAttempt(fence);
    let outcome = 'failed';
    try {
      const result = await pushChunkItems(chunk, guarded);
      outcome = 'completed';
      return result;
    } catch (error) {
      if (rootApplicationFailure(error)?.type === FailureType.PushFenceLost) outcome = 'fenced off';
      else if (Context.current().cancellationSignal.aborted) outcome = 'cancelled';
      throw error;
    } finally {
      // A POST that ended without an answer may still land: then the successor waits the fence's grace.
      if (!guarded.uncertain) await fence.release();
      deps.logger.info('push attempt ended', { ...attemptLog, outcome, ...guarded.figures() });
    }
  }

  /**
   * Reconciles and posts a chunk's items; without `guarded` (a dry run, or nothing to post) it only decides.
   * Items an earlier attempt of the chunk may have posted without an answer wait until those POSTs have landed
   * (fence.settledAt); the others go first.
   */
  async function pushChunkItems(
    chunk: { run: SyncRunDoc; plan: SyncChunkPlanDoc; chunkId: string; chunkNo: number; pushable: boolean; ctx: LedgerContext },
    guarded: GuardedAttempt | undefined,
  ): Promise<PushChunkResult> {
    const { run, plan, chunkId, ctx } = chunk;
    const signal = Context.current().cancellationSignal;
    const fence = guarded?.fence;
    // What earlier syncs recorded came with the plan; what earlier attempts of this chunk recorded is read here,
    // once a predecessor that did not release can add no more.
    const readOwnRecords = async () => {
      if (!fence?.hadPredecessor) return new Map<string, ItemLedger>();
      await abortableSleep(fence.recordsCompleteAt - Date.now(), signal);
      return ledgersOf(await readChunkRecords(deps.db, run._id, chunk.chunkNo));
    };
    const [ownRecords, periodNow, client] = await Promise.all([
      readOwnRecords(),
      fence?.periodTakenOver ? readPeriodLedgers(deps.db, run.companyId, run.period) : undefined,
      chunk.pushable ? personioClientFor(deps, run.companyId, 'sync') : undefined,
    ]);
    const ledgers = plan.items.map((item) => itemLedger(periodNow ? periodNow.get(item.itemKey) : item.ledger, ownRecords, item.itemKey));
    const unsettled = (index: number) => ownRecords.get((plan.items[index] as SyncItem).itemKey)?.pending !== undefined;
    const indexes = plan.items.map((_, index) => index);

    const outcomes: ItemOutcome[] = new Array(plan.items.length);
    const pushed: PushedFact[] = [];
    const posted = { count: 0, total: 0 };
    try {
      await decideAndPost(indexes.filter((i) => !unsettled(i)));
      const rest = indexes.filter(unsettled);
      if (rest.length > 0 && fence) await abortableSleep(fence.settledAt - Date.now(), signal);
      await decideAndPost(rest);
      if (client && guarded) await settleUnanswered(client, ctx, outcomes, pushed, guarded);
    } finally {
      if (guarded) await recordPushed(deps.db, ctx, pushed);
    }

    /** Lists Personio for the items that need it, decides each item, and posts what is missing. */
    async function decideAndPost(batch: number[]): Promise<void> {
      if (batch.length === 0) return;
      const toReconcile = batch.map((i) => plan.items[i] as SyncItem).filter((item, k) => !item.typeWouldBeCreated && needsReconciliation(ledgers[batch[k] as number] as ItemLedger));
      const listing = new Map<string, PersonioCompensation[]>();
      if (client && toReconcile.length > 0) {
        const personIds = [...new Set(toReconcile.map((item) => item.personId))];
        const compensations = await client.listCompensations({ period: run.period, personIds });
        for (const personId of personIds) listing.set(personId, []);
        for (const comp of compensations) listing.get(comp.personId)?.push(comp);
      }
      const reconciledFacts: PushedFact[] = [];
      const posts: PlannedPost[] = [];
      for (const index of batch) {
        const item = plan.items[index] as SyncItem;
        const decided = decide(run, index, item, ledgers[index] as ItemLedger, listing.get(item.personId), reconciledFacts);
        if ('seq' in decided) posts.push(decided);
        else outcomes[index] = decided;
      }
      if (!client || !guarded) return;
      await recordPushed(deps.db, ctx, reconciledFacts);
      posted.total += posts.length;
      const pendingBefore = pendingWaves(ctx, posts);
      await forEachLimited(posts, POSTS_IN_FLIGHT, async (planned) => {
        // Durable before the POST: a lost answer is then always reconciled, never posted blind.
        await pendingBefore(planned);
        const outcome = await post(client, ctx, planned, pushed, guarded);
        if (outcome) outcomes[planned.index] = outcome;
        Context.current().heartbeat({ chunkNo: chunk.chunkNo, posted: ++posted.count, total: posted.total });
      });
    }

    // Written once, at the end: a retried attempt redoes the chunk, and the ledger makes the redo safe.
    await saveChunkResult(deps.db, { _id: chunkId, syncId: run._id, chunkNo: chunk.chunkNo, outcomes, completedAt: new Date() });
    return summarize(outcomes);
  }
}
