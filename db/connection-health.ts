// A company's Personio connection status and its announced transitions (broken ⇄ restored).
// Each transition is one insert-once document (`_id` = `<companyId>:<seq>`): of two tests deciding the same change
// at once, exactly one inserts it and announces it (FerretDB's conditional updates are not atomic, `_id` inserts are).
import type { Collection, Db } from 'mongodb';
import type { ConnectionCheckId, ConnectionTransition, PersonioConnectionState } from '../contracts/connection-test.js';
import { transitionFor, type DecidedStatus } from '../payroll/connection-health.js';
import { companyCollections, type CompanyDoc, type StoredConnectionState } from './companies.js';
import { isDuplicateKey } from './insert-once.js';

export interface ConnectionTransitionDoc {
  _id: string;
  companyId: string;
  seq: number;
  kind: 'broken' | 'restored';
  at: Date;
  failingChecks: ConnectionCheckId[];
  brokenSince?: Date;
  /** The workflow run whose test decided it: a retry of that run's activity adopts it, anyone else re-reads. */
  decidedBy: string;
}

const transitionsOf = (db: Db): Collection<ConnectionTransitionDoc> => db.collection<ConnectionTransitionDoc>('personio_connection_transitions');

export const connectionStateView = (state: StoredConnectionState | undefined): PersonioConnectionState =>
  state
    ? { status: state.status, checkedAt: state.checkedAt.toISOString(), failingChecks: state.failingChecks, since: state.since.toISOString() }
    : { status: 'unknown', checkedAt: null, failingChecks: [], since: null };

const transitionView = (doc: ConnectionTransitionDoc): ConnectionTransition => ({
  transitionId: doc._id,
  companyId: doc.companyId,
  seq: doc.seq,
  kind: doc.kind,
  at: doc.at.toISOString(),
  failingChecks: doc.failingChecks,
  ...(doc.brokenSince ? { brokenSince: doc.brokenSince.toISOString() } : {}),
});

export async function findTransition(db: Db, transitionId: string): Promise<ConnectionTransition | null> {
  const doc = await transitionsOf(db).findOne({ _id: transitionId });
  return doc ? transitionView(doc) : null;
}

export interface RecordedHealth {
  state: PersonioConnectionState;
  /** Set for the one recording that decided a change: it announces it. */
  transition?: ConnectionTransition;
}

/**
 * Records what a test decided at `at`. A test older than the stored status changes nothing (two tests finishing
 * out of order). Idempotent for a retried activity of the same run (`decidedBy`).
 */
export async function recordConnectionStatus(db: Db, companyId: string, decided: DecidedStatus, at: Date, decidedBy: string): Promise<RecordedHealth> {
  const { companies } = companyCollections(db);
  for (let attempt = 0; attempt < 5; attempt++) {
    const company = await companies.findOne({ _id: companyId }, { projection: { personioConnection: 1 } });
    if (!company) throw new Error(`company ${companyId} vanished`);
    const current = company.personioConnection;
    const transitions = current?.transitions ?? 0;
    const kind = transitionFor(transitions, decided.status);
    if (!kind) {
      if (current && current.checkedAt > at) return { state: connectionStateView(current) };
      const next: StoredConnectionState = {
        ...decided,
        checkedAt: at,
        since: current && current.status === decided.status ? current.since : at,
        transitions,
      };
      await setState(companies, companyId, next);
      return { state: connectionStateView(next) };
    }
    const seq = transitions + 1;
    const doc: ConnectionTransitionDoc = {
      _id: `${companyId}:${seq}`,
      companyId,
      seq,
      kind,
      at,
      failingChecks: decided.failingChecks,
      ...(kind === 'restored' && current?.status === 'broken' ? { brokenSince: current.since } : {}),
      decidedBy,
    };
    try {
      await transitionsOf(db).insertOne(doc);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await transitionsOf(db).findOne({ _id: doc._id });
      if (!existing) continue;
      // Another test recorded this change (or this run did, then died before updating the company): make the company say so.
      await setState(companies, companyId, stateAfter(existing, current));
      if (existing.decidedBy === decidedBy) return { state: connectionStateView(stateAfter(existing, current)), transition: transitionView(existing) };
      continue;
    }
    const next = stateAfter(doc, current);
    await setState(companies, companyId, next);
    return { state: connectionStateView(next), transition: transitionView(doc) };
  }
  throw new Error(`connection status of ${companyId} kept changing under this test`);
}

function stateAfter(doc: ConnectionTransitionDoc, current: StoredConnectionState | undefined): StoredConnectionState {
  // The company already reflects this transition or a later one.
  if (current && current.transitions >= doc.seq) return current;
  return { status: doc.kind === 'broken' ? 'broken' : 'ok', checkedAt: doc.at, failingChecks: doc.failingChecks, since: doc.at, transitions: doc.seq };
}

async function setState(companies: Collection<CompanyDoc>, companyId: string, state: StoredConnectionState): Promise<void> {
  await companies.updateOne({ _id: companyId }, { $set: { personioConnection: state } });
}
