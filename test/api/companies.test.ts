// Company setup over real HTTP: validation, auth, scoping, and the secret never coming back out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benefitMappingsSchema, companySchema, problemSchema } from '../support/api-schemas.js';
import { startHarness, type Harness } from '../support/harness.js';
import { databaseText } from '../support/secrets.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const company = { name: 'Acme GmbH', managerEmails: ['hr@acme.example', 'Boss@Acme.example '] };

describe('companies', () => {
  it('creates a company with German and Berlin defaults, and reads it back', async () => {
    const put = await h.apiAs(companySchema, 'PUT', '/v1/companies/acme', company);
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      companyId: 'acme',
      name: 'Acme GmbH',
      managerEmails: ['hr@acme.example', 'boss@acme.example'],
      locale: 'de',
      timezone: 'Europe/Berlin',
      personio: null,
    });
    const get = await h.apiAs(companySchema, 'GET', '/v1/companies/acme');
    expect(get.status).toBe(200);
    expect(get.json).toEqual(put.json);
  });

  it('rejects bad input with problem+json naming every field, and stores nothing', async () => {
    const res = await h.apiAs(problemSchema, 'PUT', '/v1/companies/broken', { name: '', managerEmails: ['not-an-email'], locale: 'fr', timezone: 'Mars/Olympus' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const fields = (res.json.errors as { field: string; reason: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['locale', 'managerEmails[0]', 'name', 'timezone']);
    expect((await h.api('GET', '/v1/companies/broken')).status).toBe(404);
  });

  it('rejects unknown fields, a wrong content type, malformed JSON and an oversized body', async () => {
    const extra = await h.apiAs(problemSchema, 'PUT', '/v1/companies/extra', { ...company, plan: 'gold' });
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.json.errors)).toContain('plan');

    const text = await h.api('PUT', '/v1/companies/typed', 'name=Acme', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toContain('application/problem+json');

    const malformed = await h.api('PUT', '/v1/companies/malformed', '{"name": "Acme",');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');

    const huge = await h.apiAs(problemSchema, 'PUT', '/v1/companies/huge', { ...company, name: 'x'.repeat(3 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.json.title).toBe('Payload Too Large');

    for (const id of ['extra', 'typed', 'malformed', 'huge']) expect((await h.api('GET', `/v1/companies/${id}`)).status).toBe(404);
  });

  it('requires a valid bearer token on /v1 but not on health checks', async () => {
    const missing = await fetch(`${h.apiUrl}/v1/companies/acme`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await h.api('GET', '/v1/companies/acme', undefined, { authorization: `Bearer ${h.apiToken.slice(0, -1)}x` });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${h.apiUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { mongodb: 'ok', temporal: 'ok' } });
  });

  it('answers 404 for an unknown company on every company route', async () => {
    for (const [method, path, body] of [
      ['GET', '/v1/companies/nobody', undefined],
      ['PUT', '/v1/companies/nobody/personio-credentials', { clientId: 'a', clientSecret: 'b' }],
      ['POST', '/v1/companies/nobody/connection-test', undefined],
      ['GET', '/v1/companies/nobody/personio/compensation-types', undefined],
      ['GET', '/v1/companies/nobody/benefit-mappings', undefined],
      ['PUT', '/v1/companies/nobody/benefit-mappings', []],
    ] as const) {
      const res = await h.api(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await h.db.collection('personio_credentials').countDocuments({ _id: 'nobody' as never })).toBe(0);
  });

  it('stores the Personio secret encrypted and never returns it', async () => {
    const secret = 'sk-very-secret-value-0123456789';
    const put = await h.apiAs(companySchema, 'PUT', '/v1/companies/acme/personio-credentials', { clientId: 'papi-client-1', clientSecret: secret });
    expect(put.status).toBe(200);
    expect(put.json.personio).toEqual({ clientId: 'papi-client-1', hasSecret: true });
    expect(put.text).not.toContain(secret);
    const get = await h.api('GET', '/v1/companies/acme');
    expect(get.text).not.toContain(secret);
    const dump = await databaseText(h.db);
    expect(dump).toContain('papi-client-1');
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(Buffer.from(secret).toString('base64'));
    expect(h.logs.join('\n')).not.toContain(secret);
  });

  it('replaces benefit mappings as a whole, rejects duplicates without touching the stored set, and scopes by company', async () => {
    const mappings = [
      { benefitKey: 'meal', benefitName: 'Essenszuschuss', compensationTypeId: null },
      { benefitKey: 'mobility', benefitName: 'Mobilitätsbudget', compensationTypeId: null },
    ];
    expect((await h.api('PUT', '/v1/companies/acme/benefit-mappings', mappings)).status).toBe(200);
    expect((await h.apiAs(benefitMappingsSchema, 'GET', '/v1/companies/acme/benefit-mappings')).json).toEqual(mappings);

    const dup = await h.apiAs(problemSchema, 'PUT', '/v1/companies/acme/benefit-mappings', [...mappings, { benefitKey: 'MEAL', benefitName: 'Again', compensationTypeId: null }]);
    expect(dup.status).toBe(400);
    expect(dup.json.errors).toEqual([{ field: '[2].benefitKey', reason: 'duplicates the benefitKey of item 0' }]);
    expect((await h.apiAs(benefitMappingsSchema, 'GET', '/v1/companies/acme/benefit-mappings')).json).toEqual(mappings);

    expect((await h.api('PUT', '/v1/companies/other', { ...company, name: 'Other AG' })).status).toBe(200);
    expect((await h.apiAs(benefitMappingsSchema, 'GET', '/v1/companies/other/benefit-mappings')).json).toEqual([]);
  });

  it('serves an OpenAPI document generated from the schemas, and a docs page', async () => {
    const doc = (await (await fetch(`${h.apiUrl}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/companies/{companyId}',
        '/v1/companies/{companyId}/personio-credentials',
        '/v1/companies/{companyId}/connection-test',
        '/v1/companies/{companyId}/personio/compensation-types',
        '/v1/companies/{companyId}/benefit-mappings',
      ]),
    );
    const docs = await fetch(`${h.apiUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/docs/assets/init.js');
    expect(await (await fetch(`${h.apiUrl}/docs/assets/init.js`)).text()).toContain('"/openapi.json"');
  });
});
