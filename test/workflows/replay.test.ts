// Replays every committed history (test/workflows/histories/, recorded by record-histories.test.ts) against the
// current workflow bundle. A change to workflow code that would give a sync in flight other commands than its
// history holds (a non-determinism error on the first workflow task after a deploy, retried forever while the
// sync keeps its period's workflow id) fails here unless it is guarded with patched() (README: "Deploying a change").
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workflowEnv } from './support.js';

const HISTORIES_DIR = fileURLToPath(new URL('./histories/', import.meta.url));
const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded histories against the current workflow code', () => {
  it('has a history of every workflow and path it must keep replaying', () => {
    for (const name of [
      'payroll-sync-succeeded',
      'payroll-sync-partially-failed',
      'payroll-sync-failed',
      'payroll-sync-dry-run',
      'payroll-sync-cancelled',
      'scheduled-payroll-sync-succeeded',
      'scheduled-payroll-sync-retried',
      'scheduled-payroll-sync-sync-terminated',
      'payroll-sync-connection-broken',
      'payroll-sync-approved',
      'payroll-sync-expired',
      'connection-test',
      'connection-test-broken',
    ]) {
      expect(files).toContain(`${name}.json`);
    }
  });

  for (const file of files) {
    it(`replays ${file}`, async () => {
      const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')));
      await Worker.runReplayHistory({ workflowBundle: { codePath: workflowEnv().workflowBundlePath } }, history, file);
    });
  }
});
