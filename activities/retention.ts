// The daily data-retention job's work (see db/retention.ts for what is kept and what goes).
import { Context } from '@temporalio/activity';
import { emptyRetentionReport, pruneSupersededEntrySets, pruneSyncArtefacts, type RetentionReport } from '../db/retention.js';
import type { ActivityDeps } from './deps.js';

export const DEFAULT_RETENTION_MONTHS = 24;
const BATCH = 100;

export function createRetentionActivities(deps: ActivityDeps) {
  return {
    /** Idempotent: what is gone stays gone, and a retried attempt goes on where the last one stopped. */
    async applyRetention(): Promise<RetentionReport & { cutoff: string }> {
      const months = deps.retention?.months ?? DEFAULT_RETENTION_MONTHS;
      const cutoff = new Date();
      cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
      const report = emptyRetentionReport();
      while ((await pruneSyncArtefacts(deps.db, cutoff, BATCH, report)) > 0) Context.current().heartbeat(report.syncsPruned);
      await pruneSupersededEntrySets(deps.db, cutoff, report);
      deps.logger.info('data retention applied', { months, cutoff: cutoff.toISOString(), ...report });
      return { ...report, cutoff: cutoff.toISOString() };
    },
  };
}
