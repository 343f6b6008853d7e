import { z } from '@hono/zod-openapi';
import { timezoneSchema } from './common.js';

export const scheduleInputSchema = z
  .object({
    dayOfMonth: z.number().int().min(1, 'must be 1–28').max(28, 'must be 1–28 (every month has those days)'),
    hour: z.number().int().min(0).max(23),
    minute: z.number().int().min(0).max(59),
    timezone: timezoneSchema.optional().openapi({ description: 'An IANA time zone (one of the listed names; aliases are accepted too); absent: the company’s.' }),
    period: z.enum(['previous', 'current']).default('previous'),
    paused: z.boolean().default(false),
    note: z.string().max(500).optional(),
    /** A failed or partially failed scheduled run is retried once after this pause; null turns it off. */
    autoRetryAfterMinutes: z.number().int().min(1).max(7 * 24 * 60).nullable().default(360),
  })
  .strict()
  .openapi('PayrollScheduleInput', {
    description:
      'A run time that a daylight-saving change skips or repeats on the chosen day in some year is a 422 (with a safe time), and so is a run day after the company’s payrollCutoffDay when period is previous.',
  });

export const scheduleViewSchema = z
  .object({
    scheduleId: z.string(),
    companyId: z.string(),
    dayOfMonth: z.number(),
    hour: z.number(),
    minute: z.number(),
    timezone: z.string(),
    period: z.enum(['previous', 'current']),
    autoRetryAfterMinutes: z.number().nullable(),
    paused: z.boolean(),
    note: z.string().nullable(),
    nextRunTimes: z.array(z.string()),
    recentRuns: z.array(
      z.object({
        scheduledAt: z.string(),
        takenAt: z.string(),
        workflowId: z.string(),
        runId: z.string(),
        status: z.string(),
        period: z.string().nullable(),
        syncs: z.array(z.object({ syncId: z.string().nullable(), outcome: z.string(), status: z.string().nullable(), trigger: z.string().nullable() })),
        /** Set when a failed run's automatic retry was due and did not run, and why. */
        automaticRetry: z.string().nullable(),
      }),
    ),
    temporalUiUrl: z.string(),
  })
  .openapi('PayrollSchedule');

export const triggerResultSchema = z
  .object({
    scheduleId: z.string(),
    /** Whether a scheduled run was started. */
    triggered: z.boolean(),
    outcome: z.enum(['started', 'skipped']),
    /** Why it was skipped. */
    reason: z.string().optional(),
    /** The started run, or the open run that made Temporal skip this one. */
    workflowId: z.string().optional(),
    temporalUiUrl: z.string(),
  })
  .openapi('PayrollScheduleTriggerResult');
