// The routes that start workflows are limited per API token and per company: over the limit, 429 problem+json
// with Retry-After.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemSchema } from '../support/api-schemas.js';
import { parseApiJson, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ rateLimits: { perTokenPerMinute: 5, perCompanyPerMinute: 3 } });
  for (const companyId of ['limited-a', 'limited-b']) {
    expect((await h.api('PUT', `/v1/companies/${companyId}`, { name: companyId, managerEmails: ['x@example.com'] })).status).toBe(200);
  }
});
afterAll(async () => {
  await h?.close();
});

const connectionTest = (companyId: string) => h.api('POST', `/v1/companies/${companyId}/connection-test`);

describe('request limits on workflow-starting routes', () => {
  it('per company, then per token: 429 problem+json with Retry-After; other routes are not limited', async () => {
    for (let i = 0; i < 3; i++) expect((await connectionTest('limited-a')).status).toBe(200);
    const overCompany = await connectionTest('limited-a');
    expect(overCompany.status).toBe(429);
    expect(overCompany.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(overCompany.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(overCompany.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(parseApiJson(problemSchema, overCompany).json).toMatchObject({ status: 429, type: 'urn:payroll-sync:problem:rate-limited', detail: expect.stringContaining('for this company') });

    // The token has 4 of its 5 spent (the refused one counts): one more for another company, then the token is out.
    expect((await connectionTest('limited-b')).status).toBe(200);
    const overToken = await connectionTest('limited-b');
    expect(overToken.status).toBe(429);
    expect(overToken.json).toMatchObject({ detail: expect.stringContaining('for this API token') });

    // Reading is not limited.
    for (let i = 0; i < 10; i++) expect((await h.api('GET', '/v1/companies/limited-a')).status).toBe(200);
  });
});
