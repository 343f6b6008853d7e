// The two readings of GET /v2/persons?email=: case-insensitive (default) and case-sensitive.
import { beforeEach, describe, expect, it } from 'vitest';
import { credentialWithToken, get, useTestSandbox } from './support.js';

const sb = useTestSandbox();
let t: string;
let anna: string;
beforeEach(async () => {
  t = await credentialWithToken(sb, 'acme');
  anna = (await sb.admin.addPersons([{ email: 'Anna.Schmidt@x.example' }, { email: 'other@x.example' }]))[0]!.id;
});

async function idsForEmail(email: string): Promise<string[]> {
  const res = await get(sb, `/v2/persons?email=${encodeURIComponent(email)}`, t);
  expect(res.status).toBe(200);
  return res.body._data.map((p: { id: string }) => p.id);
}

describe('emailFilter', () => {
  it('case_insensitive (default) finds Anna.Schmidt@x.example as anna.schmidt@x.example', async () => {
    expect((await sb.admin.getPersonality()).emailFilter).toBe('case_insensitive');
    expect(await idsForEmail('anna.schmidt@x.example')).toEqual([anna]);
    expect(await idsForEmail('Anna.Schmidt@x.example')).toEqual([anna]);
  });

  it('case_sensitive finds only the exact string (after trimming)', async () => {
    await sb.admin.setPersonality({ emailFilter: 'case_sensitive' });
    expect(await idsForEmail('anna.schmidt@x.example')).toEqual([]);
    expect(await idsForEmail('ANNA.SCHMIDT@X.EXAMPLE')).toEqual([]);
    expect(await idsForEmail('Anna.Schmidt@x.example')).toEqual([anna]);
    expect(await idsForEmail('  Anna.Schmidt@x.example , nobody@x.example')).toEqual([anna]);
  });
});
