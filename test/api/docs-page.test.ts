// The API docs page in a real headless browser (Debian's chromium) with every other origin unreachable: Swagger UI
// comes from this server (swagger-ui-dist), not from a CDN, and renders the operations of /openapi.json.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

const run = promisify(execFile);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** The DOM after the page's scripts ran, with DNS for every host but 127.0.0.1 failing and no proxy reachable. */
async function renderOffline(url: string): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'docs-page-chromium-'));
  try {
    const { stdout } = await run(
      'chromium',
      [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        `--user-data-dir=${profile}`,
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
        '--proxy-server=http://127.0.0.1:9',
        '--proxy-bypass-list=127.0.0.1',
        '--virtual-time-budget=20000',
        '--dump-dom',
        url,
      ],
      { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe('API docs page', () => {
  it('serves its assets itself, forbids other origins, and renders the operation list without network access', { timeout: 120_000 }, async () => {
    const page = await fetch(`${h.apiUrl}/docs`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//); // no CDN, no absolute URL at all
    for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js', 'init.js']) {
      expect((await fetch(`${h.apiUrl}/docs/assets/${asset}`)).status, asset).toBe(200);
    }
    expect((await fetch(`${h.apiUrl}/docs/assets/package.json`)).status).toBe(404);

    const dom = await renderOffline(`${h.apiUrl}/docs`);
    expect(dom).toContain('Personio payroll sync');
    const operations = dom.match(/class="opblock opblock-(get|post|put|delete)/g) ?? [];
    expect(operations.length).toBeGreaterThanOrEqual(20);
    expect(dom).toContain('/v1/companies/{companyId}/payroll-syncs');
  });
});
