import { z } from '@hono/zod-openapi';

import { cursorQuerySchema, NOT_BLANK_PATTERN, problemSchema, UUID_PATTERN } from './common.js';

const actorSchema = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').openapi({ pattern: NOT_BLANK_PATTERN });
import { PERIOD_PATTERN } from '../../payroll/period.js';

export const periodSchema = z
  .string()
  .regex(PERIOD_PATTERN, 'must be a month written YYYY-MM')
  .openapi({ description: 'Payroll period, YYYY-MM, from 2000-01 to December ten years ahead (outside: 422).', example: '2026-10' });
export const syncIdSchema = z.uuid('must be a sync id').openapi({ param: { name: 'syncId', in: 'path' }, pattern: UUID_PATTERN });
export const syncStatusSchema = z.enum(['running', 'awaiting_approval', 'succeeded', 'partially_failed', 'failed', 'rejected', 'expired']);

export const startSyncInputSchema = z
  .object({
    period: periodSchema,
    dryRun: z.boolean().default(false),
    /** Export a period whose payroll cut-off (the company's payrollCutoffDay) has passed: a late export, on purpose. */
    allowAfterCutoff: z.boolean().default(false),
    actor: actorSchema.optional().openapi({ description: 'Who starts it (the platform’s user id or email). Required when the company requires approval: that person cannot approve it.' }),
  })
  .strict()
  .openapi('StartPayrollSync');

export const retrySyncInputSchema = z
  .object({ actor: actorSchema.optional().openapi({ description: 'Who starts the retry; required when the company requires approval.' }) })
  .strict()
  .openapi('RetryPayrollSync');

export const approvalDecisionInputSchema = z
  .object({
    actor: actorSchema.openapi({ description: 'Who decides (the platform’s user id or email). An approval by the person who started the sync is refused.' }),
    comment: z.string().trim().max(1000, 'at most 1000 characters').optional(),
  })
  .strict()
  .openapi('ApprovalDecision');

export const approvalDecisionResultSchema = z
  .object({ syncId: z.string(), accepted: z.literal(true), status: syncStatusSchema, links: z.object({ self: z.string() }) })
  .openapi('ApprovalDecisionResult');

export const approvalRefusedProblemSchema = problemSchema
  .extend({ status: z.literal(409), syncStatus: syncStatusSchema.optional(), previewSyncId: z.string().optional() })
  .openapi('ApprovalRefusedProblem', {
    description:
      'type urn:payroll-sync:problem:four-eyes (the approver started the sync), …:not-awaiting-approval (decided, expired, or a new preview is being computed) or …:preview-outdated (entries or mappings changed since the preview: a new preview is computed and mailed; approve that one).',
  });

export const syncStartedSchema = z
  .object({ syncId: z.string(), status: z.literal('running'), workflowId: z.string(), runId: z.string(), temporalUiUrl: z.string(), dryRun: z.boolean(), pastCutoff: z.boolean() })
  .openapi('PayrollSyncStarted');

const countsSchema = z.record(z.string(), z.number()).openapi('SyncCounts');

export const syncSummarySchema = z
  .object({
    syncId: z.string(),
    companyId: z.string(),
    period: z.string(),
    status: syncStatusSchema,
    trigger: z.enum(['api', 'schedule', 'retry']),
    dryRun: z.boolean(),
    /** Started after the period's payroll cut-off. */
    pastCutoff: z.boolean(),
    retryOf: z.string().nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    counts: countsSchema.nullable(),
    workflowId: z.string(),
    runId: z.string().nullable(),
    temporalUiUrl: z.string(),
    startedBy: z.string().nullable().openapi({ description: 'Who started it (`schedule` for a scheduled run).' }),
    previewOf: z.string().nullable().openapi({ description: 'This dry run is the preview of that sync, awaiting approval.' }),
    approval: z
      .object({
        state: z.enum(['awaiting_approval', 'approved', 'rejected', 'expired']),
        previewSyncId: z.string(),
        previewedAt: z.string(),
        previews: z.number(),
        expiresAt: z.string(),
        remindedAt: z.string().nullable(),
        decidedBy: z.string().nullable(),
        decidedAt: z.string().nullable(),
        comment: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: 'Four eyes (company approval `required`): the preview to approve (a dry run, see previewSyncId) and the decision.' }),
    links: z.object({ self: z.string(), retry: z.string().nullable(), preview: z.string().nullable(), approve: z.string().nullable(), reject: z.string().nullable() }),
  })
  .openapi('PayrollSyncSummary');

export const entryResultSchema = z
  .object({
    index: z.number(),
    employeeEmail: z.string(),
    benefitKey: z.string(),
    amount: z.string(),
    amountCents: z.number(),
    currency: z.string(),
    status: z.string(),
    reason: z.string().nullable(),
    errorKind: z.string().nullable().openapi({ description: 'For failed entries: the kind of Personio’s refusal (permission_missing, write_refused, validation, …).' }),
    personId: z.string().nullable(),
    compensationTypeId: z.string().nullable(),
    personioCompensationIds: z.array(z.string()),
  })
  .openapi('SyncEntryResult');

export const syncDetailSchema = syncSummarySchema
  .extend({
    currency: z.string().nullable(),
    progress: z
      .object({ phase: z.string(), chunksTotal: z.number(), chunksDone: z.number(), itemsTotal: z.number(), itemsDone: z.number() })
      .nullable(),
    totals: z.array(
      z.object({
        benefitKey: z.string(),
        benefitName: z.string(),
        compensationTypeId: z.string().nullable(),
        entries: z.number(),
        amount: z.string(),
        amountCents: z.number(),
        transferred: z.string(),
        transferredCents: z.number(),
      }),
    ),
    createdCompensationTypes: z.array(
      z.object({
        benefitKey: z.string(),
        benefitName: z.string(),
        compensationTypeId: z.string(),
        how: z.string(),
        name: z.string().optional().openapi({ description: 'The type’s name in Personio (differs from benefitName when another category held that name).' }),
        sameNameOtherCategory: z
          .array(z.object({ compensationTypeId: z.string(), name: z.string(), category: z.string().nullable() }))
          .optional()
          .openapi({ description: 'Types named like the benefit in another category: never used for benefit amounts.' }),
      }),
    ),
    failure: z
      .object({ type: z.string(), message: z.string(), missingScope: z.string().optional() })
      .nullable()
      .openapi({ description: 'Why the sync failed as a whole: its failure type (contracts/failures.ts) and a fixed sentence for it; the raw error stays in the logs and the Temporal history.' }),
    email: z
      .object({ status: z.string(), at: z.string(), recipients: z.array(z.string()).optional(), error: z.string().optional(), attempts: z.number().optional() })
      .nullable(),
    results: z.object({ offset: z.number(), limit: z.number(), total: z.number(), items: z.array(entryResultSchema) }),
  })
  .openapi('PayrollSync');

export const syncDetailQuerySchema = z.object({
  resultsOffset: z.coerce.number().int().min(0).default(0).openapi({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }),
  resultsLimit: z.coerce.number().int().min(1).max(1000).default(100),
  resultStatus: z
    .string()
    .regex(/^[a-z_]+(,[a-z_]+)*$/, 'comma-separated statuses')
    .optional()
    .openapi({ description: 'Only results with these statuses, comma-separated (such as failed,skipped); an unknown status matches nothing.' }),
});

export const syncListQuerySchema = z.object({
  period: periodSchema.optional().openapi({ description: 'Only syncs of this period (YYYY-MM).' }),
  status: syncStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorQuerySchema,
});

export const syncListSchema = z.object({ items: z.array(syncSummarySchema), nextCursor: z.string().nullable() }).openapi('PayrollSyncPage');

export const failedSyncListSchema = z.object({ items: z.array(syncSummarySchema) }).openapi('FailedPayrollSyncs');

/** 409 while a sync of the company and period runs: names it. */
export const syncConflictProblemSchema = problemSchema
  .extend({
    workflowId: z.string(),
    runningSyncId: z.string().nullable(),
    temporalUiUrl: z.string(),
    runningSync: z.string().optional(),
  })
  .openapi('SyncConflictProblem');

/** 409 `urn:payroll-sync:problem:payroll-period-closed`: the period's payroll cut-off has passed. */
export const periodClosedProblemSchema = problemSchema.extend({ closedAt: z.string() }).openapi('PayrollPeriodClosedProblem');
