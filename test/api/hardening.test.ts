// Safe defaults on the real stack: one dry run per period, periods in a window, headers on every answer, credentials
// that can be re-keyed and removed, and a stored secret no key can open reported as such (never a 500).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionHealthScheduleId } from '../../contracts/ids.js';
import { createCredentialsCipher } from '../../security/credentials-cipher.js';
import { rekeyStoredSecrets } from '../../security/rekey.js';
import { companySchema, connectionTestFinishedSchema, problemSchema } from '../support/api-schemas.js';
import { parseApiJson, startHarness, type Harness } from '../support/harness.js';
import { createScenario, runSync } from '../support/payroll-scenario.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('hardening', () => {
  it('five dry runs of one period at once: one runs, the others are told which one', async () => {
    const s = await createScenario(h, { employees: 20 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period, dryRun: true })));
    const started = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status === 409);
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(4);
    const runningSyncId = (started[0]?.json as { syncId: string }).syncId;
    for (const answer of refused) expect(answer.json).toMatchObject({ title: 'Dry run already running', runningSyncId });
    // Once it has finished, the next dry run of the period may start.
    await h.temporal.workflow.getHandle((started[0]?.json as { workflowId: string }).workflowId).result();
    expect((await h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period, dryRun: true })).status).toBe(202);
  });

  it('a retry sent with a JSON content type and no body (curl -X POST -H content-type…) is a retry, not malformed JSON', async () => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    const first = await runSync(h, s);
    const retry = await fetch(`${h.apiUrl}/v1/companies/${s.companyId}/payroll-syncs/${first.syncId}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.apiToken}`, 'content-type': 'application/json' },
    });
    expect(retry.status, await retry.clone().text()).toBe(202);
    const bad = await h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs/${first.syncId}/retry`, { actor: '' });
    expect(bad.status).toBe(400);
  });

  it('periods outside 2000-01 … ten years ahead are a 422 naming the window', async () => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    const last = `${new Date().getUTCFullYear() + 10}-12`;
    for (const period of ['0001-01', '1999-12', `${new Date().getUTCFullYear() + 11}-01`]) {
      const sync = await h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period, dryRun: true });
      expect(sync.status, period).toBe(422);
      expect(parseApiJson(problemSchema, sync).json.errors).toEqual([{ field: 'period', reason: `must be between 2000-01 and ${last}` }]);
      expect((await h.api('PUT', `/v1/companies/${s.companyId}/payroll-periods/${period}/entries`, { entries: [] })).status, period).toBe(422);
    }
  });

  it('every answer says nosniff and no-store, errors and unauthenticated ones included', async () => {
    const answers = [
      await h.api('GET', '/v1/companies/does-not-exist'),
      await fetch(`${h.apiUrl}/v1/companies/x`),
      await fetch(`${h.apiUrl}/openapi.json`),
      await fetch(`${h.apiUrl}/healthz`),
    ];
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('re-keying: stored secrets under an old key are re-encrypted; with the old key removed, syncs still decrypt', async () => {
    const s = await createScenario(h, { employees: 2, benefits: 1 });
    const oldKey = h.workerEnv().CREDENTIALS_KEY as string;
    const newKey = randomBytes(32).toString('base64');
    const onlyNew = createCredentialsCipher({ key: newKey, keyId: 'k2' });
    const original = h.deps.cipher;
    try {
      // A worker configured with the new key only, before the re-key: the secret is unreadable, the sync says so fast.
      h.deps.cipher = onlyNew;
      const refused = await runSync(h, s);
      expect(refused.status).toBe('failed');
      expect(refused.failure).toMatchObject({
        type: 'CredentialsUndecryptable',
        message: 'The stored Personio credentials cannot be decrypted with the configured keys: enter them again or configure CREDENTIALS_PREVIOUS_KEYS.',
      });
      const test = parseApiJson(connectionTestFinishedSchema, await h.api('POST', `/v1/companies/${s.companyId}/connection-test`)).json;
      expect(test.checks[0]).toMatchObject({ id: 'credentials', status: 'failed', message: expect.stringContaining('lassen sich mit den konfigurierten Schlüsseln nicht entschlüsseln') }); // the company's locale (de)

      const report = await rekeyStoredSecrets(h.db, createCredentialsCipher({ key: newKey, keyId: 'k2', previousKeys: `test-key:${oldKey}` }));
      expect(report.reencrypted).toBeGreaterThanOrEqual(1);
      expect(report.undecryptable).toEqual([]);
      expect(await rekeyStoredSecrets(h.db, createCredentialsCipher({ key: newKey, keyId: 'k2', previousKeys: `test-key:${oldKey}` }))).toMatchObject({ reencrypted: 0 });
      const stored = await h.db.collection('personio_credentials').findOne({ _id: s.companyId as never });
      expect(stored?.clientSecret.keyId).toBe('k2');

      const synced = await runSync(h, s);
      expect(synced.status).toBe('succeeded');
    } finally {
      h.deps.cipher = original;
    }
  });

  it('DELETE personio-credentials: gone, status unknown, no health checks, and the next sync is refused as having no credentials', async () => {
    const s = await createScenario(h, { employees: 1, benefits: 1 });
    await h.temporal.schedule.getHandle(connectionHealthScheduleId(s.companyId)).describe();
    expect((await h.api('DELETE', `/v1/companies/${s.companyId}/personio-credentials`)).status).toBe(204);
    const company = parseApiJson(companySchema, await h.api('GET', `/v1/companies/${s.companyId}`)).json;
    expect(company.personio).toBeNull();
    expect(company.personioConnection.status).toBe('unknown');
    await expect(h.temporal.schedule.getHandle(connectionHealthScheduleId(s.companyId)).describe()).rejects.toThrow();
    expect(await h.db.collection('personio_credentials').countDocuments({ _id: s.companyId as never })).toBe(0);
    const sync = await h.api('POST', `/v1/companies/${s.companyId}/payroll-syncs`, { period: s.period });
    expect(sync.status).toBe(409);
    expect(sync.json).toMatchObject({ title: 'Personio credentials missing' });
    expect((await h.api('DELETE', `/v1/companies/${s.companyId}/personio-credentials`)).status).toBe(404);
  });
});
