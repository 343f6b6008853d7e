import { configDefaults, defineConfig } from 'vitest/config';

// Three tiers, each a vitest project (`npm run test:<name>` = `vitest run --project <name>`; `npm test` runs all).
// A project's global setup runs only when that project has files to run, so the unit tier starts nothing.
//   unit     — pure code and in-process HTTP servers (the Personio sandbox, fake servers) on free ports: no global
//              setup, no service, no child process; must stay well under 15 s (`npm run test:unit`).
//   workflow — the workflows' own logic with fake activities, on one Temporal dev server (the Go-built CLI, never a
//              download) and one workflow bundle started by test/workflows/global-setup.ts.
//   stack    — every other test, on the local stack started once by test/global-setup.ts.
// Not in unit although they need no stack: test/personio/client.test.ts (≈ 13 s of real timeouts and 429 windows)
// and test/personio/rate-limit-sandbox.test.ts (≈ 6 s of scaled rate-limit windows) would break the unit budget;
// test/sandbox/personality-env.test.ts spawns `npm run sandbox` processes.
const UNIT = [
  'test/unit/**/*.test.ts',
  'test/email/format.test.ts',
  'test/email/template.test.ts',
  'test/email/connection-alert.test.ts',
  'test/email/approval-mail.test.ts',
  'test/email/summary-approval.test.ts',
  'test/personio/units.test.ts',
  'test/personio/rate-limiter.test.ts',
  // The Personio client against a fake HTTP server on a free port.
  'test/personio/alternatives.test.ts',
  // The sandbox's own tests (in-process, on a free port).
  'test/sandbox/auth.test.ts',
  'test/sandbox/compensation-readings.test.ts',
  'test/sandbox/compensation-types.test.ts',
  'test/sandbox/compensations.test.ts',
  'test/sandbox/email-filter.test.ts',
  'test/sandbox/faults.test.ts',
  'test/sandbox/next-links.test.ts',
  'test/sandbox/persistence.test.ts',
  'test/sandbox/personality.test.ts',
  'test/sandbox/persons.test.ts',
  'test/sandbox/rate-limit.test.ts',
  // docker-compose.yml against the Compose Specification's schema (reads files only, no Docker).
  'test/compose/compose-file.test.ts',
];
const WORKFLOW = ['test/workflows/**/*.test.ts'];

export default defineConfig({
  test: {
    // Temporal's native core and the worker's sandbox need real processes, not threads.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // No isolation: the unit files share no global state (no env, timer or module mocks), and reusing the
        // workers halves the tier's time.
        test: { name: 'unit', include: UNIT, isolate: false },
      },
      {
        extends: true,
        test: { name: 'workflow', include: WORKFLOW, globalSetup: ['./test/workflows/global-setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'stack',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...UNIT, ...WORKFLOW],
          globalSetup: ['./test/global-setup.ts'],
        },
      },
    ],
  },
});
