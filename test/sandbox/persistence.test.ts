// SANDBOX_DATA_FILE persistence: written atomically after mutations, loaded on start.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox } from '../../sandbox/index.js';
import { credentialWithToken, get, postJson, startTestSandbox } from './support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'personio-sandbox-'));
  dirs.push(d);
  return d;
}

describe('persistence', () => {
  it('round-trips credentials, persons, types and compensations through the data file', async () => {
    const dir = tempDir();
    const dataFile = join(dir, 'nested', 'sandbox.json');
    const first = await startTestSandbox({ dataFile });
    const t = await credentialWithToken(first, 'acme');
    const [person] = await first.admin.addPersons([{ email: 'a@acme.test', first_name: 'A' }]);
    const type = await first.admin.addCompensationType({ name: 'Meal', category: 'ONE_TIME' });
    const created = await postJson(first, '/v2/compensations', { person: { id: person!.id }, type: { id: type.id }, value: 19.99, effective_from: '2025-03-31', comment: 'c' }, t);
    expect(created.status).toBe(201);
    const before = await first.admin.listCompensations();
    await first.running.close(); // flushes pending writes

    expect(existsSync(dataFile)).toBe(true);
    const onDisk = JSON.parse(readFileSync(dataFile, 'utf8'));
    expect(onDisk.version).toBe(1);
    expect(onDisk.compensations).toHaveLength(1);
    expect(JSON.stringify(onDisk)).not.toContain(t); // tokens are not persisted
    expect(readdirSync(join(dir, 'nested'))).toEqual(['sandbox.json']); // no tmp files left behind

    const second = await startTestSandbox({ dataFile });
    try {
      expect(await second.admin.listCompensations()).toEqual(before);
      expect((await second.admin.listPersons()).map((p) => p.email)).toEqual(['a@acme.test']);
      expect((await get(second, '/v2/persons', t)).status).toBe(401); // old token gone
      const t2 = await credentialWithToken(second, 'acme');
      const types = await get(second, '/v2/compensations/types', t2);
      expect(types.body._data).toEqual([{ id: type.id, name: 'Meal', category: 'ONE_TIME' }]);
      // ids keep counting from where they were
      const [p2] = await second.admin.addPersons([{ email: 'b@acme.test' }]);
      expect(Number(p2!.id)).toBeGreaterThan(Number(person!.id));
    } finally {
      await second.running.close();
    }
  });

  it('writes after each mutation without waiting for close', async () => {
    const dataFile = join(tempDir(), 'sandbox.json');
    const sandbox = createSandbox({ dataFile });
    await sandbox.app.request('/__admin/persons', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ persons: [{ email: 'x@y.z' }] }) });
    await sandbox.flush();
    expect(JSON.parse(readFileSync(dataFile, 'utf8')).persons).toHaveLength(1);
    sandbox.reset();
    await sandbox.flush();
    expect(JSON.parse(readFileSync(dataFile, 'utf8')).persons).toHaveLength(0);
  });

  it('refuses to start on a corrupt data file instead of overwriting it', () => {
    const dataFile = join(tempDir(), 'sandbox.json');
    writeFileSync(dataFile, '{ not json');
    expect(() => createSandbox({ dataFile })).toThrow(/not valid JSON/);
    expect(readFileSync(dataFile, 'utf8')).toBe('{ not json');
  });
});
