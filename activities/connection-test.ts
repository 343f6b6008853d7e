// Tests a company's Personio credentials against every requirement of the integration.
import { FailureType } from '../contracts/failures.js';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ConnectionCheck, ConnectionCheckId, ConnectionGuardOutcome, ConnectionTestOutcome, ConnectionTestResult } from '../contracts/connection-test.js';
import { companyCollections, saveConnectionTest } from '../db/companies.js';
import { connectionStateView, recordConnectionStatus, type RecordedHealth } from '../db/connection-health.js';
import { decideStatus } from '../payroll/connection-health.js';
import type { Locale } from '../i18n/locale.js';
import { CHECK_ORDER, connectionMessage, type ConnectionMessageKey } from '../i18n/connection-test-messages.js';
import { isPersonioError, SCOPES } from '../personio/index.js';
import { loadCredentials, UndecryptableCredentialsError } from '../security/credentials-store.js';
import type { ActivityDeps } from './deps.js';

const UNREACHABLE_KINDS = new Set(['network', 'timeout', 'unavailable', 'rate_limited']);

class ConnectionChecks {
  private readonly checks = new Map<ConnectionCheckId, ConnectionCheck>();
  unreachable = false;
  credentialsMissing = false;
  traceId: string | undefined;
  constructor(private readonly locale: Locale) {}

  set(id: ConnectionCheckId, status: ConnectionCheck['status'], key: ConnectionMessageKey, extra: Pick<ConnectionCheck, 'judgedFrom'> = {}): void {
    this.checks.set(id, { id, ok: status === 'passed', status, message: connectionMessage(this.locale, key), ...extra });
  }
  has(id: ConnectionCheckId): boolean {
    return this.checks.has(id);
  }
  /** Every check not decided yet gets `not_checked` with the given reason. */
  fillRemaining(key: ConnectionMessageKey): void {
    for (const id of CHECK_ORDER) if (!this.checks.has(id)) this.set(id, 'not_checked', key);
  }
  result(testedAt: Date): ConnectionTestResult {
    const checks = CHECK_ORDER.map((id) => this.checks.get(id)).filter((c): c is ConnectionCheck => c !== undefined);
    return {
      ok: checks.length === CHECK_ORDER.length && checks.every((c) => c.ok),
      unreachable: this.unreachable,
      checks,
      testedAt: testedAt.toISOString(),
      ...(this.traceId ? { personioTraceId: this.traceId } : {}),
    };
  }
}

/** Runs one Personio call; returns false when it failed for a reason the caller maps to a failed check. */
async function attempt(checks: ConnectionChecks, call: () => Promise<void>, onRefused: () => void): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (!isPersonioError(error)) throw error;
    checks.traceId ??= error.traceId;
    if (UNREACHABLE_KINDS.has(error.kind)) {
      checks.unreachable = true;
      throw error;
    }
    onRefused();
    return false;
  }
}

export function createConnectionTestActivities(deps: ActivityDeps) {
  async function runChecks(companyId: string, locale: Locale): Promise<ConnectionChecks> {
    const checks = new ConnectionChecks(locale);
    let creds: Awaited<ReturnType<typeof loadCredentials>>;
    try {
      creds = await loadCredentials(deps.db, deps.cipher, companyId);
    } catch (error) {
      if (!(error instanceof UndecryptableCredentialsError)) throw error;
      deps.logger.error('stored Personio credentials cannot be decrypted', { companyId });
      checks.set('credentials', 'failed', 'credentials.undecryptable');
      checks.fillRemaining('not_checked.credentials');
      return checks;
    }
    if (!creds) {
      checks.credentialsMissing = true;
      checks.set('credentials', 'failed', 'credentials.missing');
      checks.fillRemaining('not_checked.credentials');
      return checks;
    }
    const client = deps.personio.interactive(creds);
    try {
      let grantedScopes: string[] = [];
      const authenticated = await attempt(
        checks,
        async () => {
          grantedScopes = (await client.verifyCredentials()).grantedScopes;
        },
        () => checks.set('credentials', 'failed', 'credentials.failed'),
      );
      if (!authenticated) {
        checks.fillRemaining('not_checked.credentials');
        return checks;
      }
      checks.set('credentials', 'passed', 'credentials.passed');

      await attempt(
        checks,
        async () => {
          const { persons } = await client.listPersonsPage({ limit: 10 });
          checks.set('persons_readable', 'passed', 'persons_readable.passed');
          if (persons.length === 0) checks.set('email_readable', 'not_checked', 'email_readable.no_persons');
          else if (persons.some((p) => p.email)) checks.set('email_readable', 'passed', 'email_readable.passed');
          else checks.set('email_readable', 'failed', 'email_readable.failed');
        },
        () => {
          checks.set('persons_readable', 'failed', 'persons_readable.failed');
          checks.set('email_readable', 'not_checked', 'not_checked.persons');
        },
      );

      const typesReadable = await attempt(
        checks,
        async () => void (await client.listCompensationTypes()),
        () => checks.set('compensation_types_readable', 'failed', 'compensation_types_readable.failed'),
      );
      if (typesReadable) checks.set('compensation_types_readable', 'passed', 'compensation_types_readable.passed');

      // Judged from the granted scopes: a test write would create a real payment in Personio.
      const canWrite = [SCOPES.compensationsRead, SCOPES.compensationsWrite].every((s) => grantedScopes.includes(s));
      checks.set('compensations_writable', canWrite ? 'passed' : 'failed', canWrite ? 'compensations_writable.passed' : 'compensations_writable.failed', {
        judgedFrom: 'granted_scopes',
      });
    } catch (error) {
      if (!checks.unreachable) throw error;
      if (!checks.has('credentials')) checks.set('credentials', 'failed', 'credentials.unreachable');
      checks.fillRemaining('credentials.unreachable');
    }
    return checks;
  }

  /** Runs every check, stores the result and the status it decides; answers the transition it decided, if any. */
  async function testAndRecord(companyId: string): Promise<{ result: ConnectionTestResult; recorded?: RecordedHealth }> {
    const { companies } = companyCollections(deps.db);
    const company = await companies.findOne({ _id: companyId }, { projection: { locale: 1 } });
    if (!company) throw ApplicationFailure.nonRetryable(`Company ${companyId} does not exist`, FailureType.CompanyNotFound);
    const checks = await runChecks(companyId, company.locale);
    const testedAt = new Date();
    const result = checks.result(testedAt);
    await saveConnectionTest(deps.db, companyId, result);
    const decided = decideStatus(result, checks.credentialsMissing);
    const { workflowExecution, activityId } = Context.current().info;
    const decidedBy = workflowExecution ? `${workflowExecution.workflowId}/${workflowExecution.runId}` : activityId;
    const recorded = decided ? await recordConnectionStatus(deps.db, companyId, decided, testedAt, decidedBy) : undefined;
    deps.logger.info('connection test finished', { companyId, ok: result.ok, unreachable: result.unreachable, status: recorded?.state.status ?? 'unchanged', transition: recorded?.transition?.kind ?? null });
    return { result, ...(recorded ? { recorded } : {}) };
  }

  return {
    async testPersonioConnection(input: { companyId: string }): Promise<ConnectionTestOutcome> {
      const { result, recorded } = await testAndRecord(input.companyId);
      const state = recorded?.state ?? connectionStateView((await companyCollections(deps.db).companies.findOne({ _id: input.companyId }))?.personioConnection);
      return { ...result, personioConnection: state, ...(recorded?.transition ? { transition: recorded.transition } : {}) };
    },

    /**
     * Before a sync reads or writes Personio: a connection known to be broken is tested again (seconds), and a
     * sync on a still broken one stops with the failing checks instead of retrying Personio's refusals for minutes.
     */
    async guardPersonioConnection(input: { companyId: string }): Promise<ConnectionGuardOutcome> {
      const company = await companyCollections(deps.db).companies.findOne({ _id: input.companyId }, { projection: { personioConnection: 1 } });
      if (company?.personioConnection?.status !== 'broken') return { usable: true };
      const { result, recorded } = await testAndRecord(input.companyId);
      // Personio unreachable decides nothing: the sync goes on with its own retries.
      if (!recorded || recorded.state.status !== 'broken') return { usable: true, ...(recorded?.transition ? { transition: recorded.transition } : {}) };
      const failing = result.checks.filter((check) => check.status === 'failed');
      return {
        usable: false,
        failingChecks: failing.map((check) => check.id),
        reason: `The Personio connection is broken (tested ${result.testedAt}): ${failing.map((check) => check.message).join(' ')}`,
      };
    },
  };
}
