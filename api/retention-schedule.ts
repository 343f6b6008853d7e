// The daily data-retention job as a Temporal Schedule, created once by whichever API process starts first.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { dataRetentionScheduleId, WORKFLOW_TYPES } from '../contracts/ids.js';

export async function ensureRetentionSchedule(temporal: Client, taskQueue: string): Promise<'created' | 'exists'> {
  try {
    await temporal.schedule.create({
      scheduleId: dataRetentionScheduleId,
      // 03:30 UTC: after the night's exports of most European companies, before their working day.
      spec: { calendars: [{ hour: 3, minute: 30 }], timezone: 'UTC' },
      action: {
        type: 'startWorkflow',
        workflowType: WORKFLOW_TYPES.dataRetention,
        workflowId: 'data-retention-run',
        taskQueue,
        args: [],
        staticSummary: 'Data retention: prune sync artefacts and replaced entry sets older than RETENTION_MONTHS',
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
    return 'created';
  } catch (error) {
    if (error instanceof ScheduleAlreadyRunning) return 'exists';
    throw error;
  }
}
