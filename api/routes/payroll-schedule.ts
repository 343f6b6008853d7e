import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { payrollScheduleId } from '../../contracts/ids.js';
import { scheduleUiUrl } from '../../contracts/temporal-ui.js';
import { assertSafeRunTime, deleteSchedule, describeSchedule, triggerSchedule, upsertSchedule, type ScheduleContext } from '../payroll-schedules.js';
import { requireCompany } from '../company-guard.js';
import { refreshHealthSchedule } from '../connection-health-schedules.js';
import type { ApiDeps } from '../deps.js';
import { ApiProblem } from '../problem.js';
import { bodyProblemResponses, companyParams, problemResponses, problemSchema, rateLimitedResponses } from '../schemas/common.js';
import { scheduleInputSchema, scheduleViewSchema, triggerResultSchema } from '../schemas/payroll-schedule.js';

const path = '/v1/companies/{companyId}/payroll-schedule';
const viewResponse = { description: 'The schedule', content: { 'application/json': { schema: scheduleViewSchema } } } as const;

export function registerPayrollScheduleRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const ctx: ScheduleContext = {
    temporal: deps.temporal,
    taskQueue: deps.config.taskQueue,
    temporalUiUrl: deps.config.temporalUiUrl,
    temporalNamespace: deps.config.temporalNamespace,
  };
  const healthCtx = { temporal: deps.temporal, interactiveTaskQueue: deps.config.interactiveTaskQueue };
  const notFound = (companyId: string) =>
    new ApiProblem(404, 'Not Found', { detail: `Company "${companyId}" has no payroll schedule.`, errors: [{ field: 'companyId', reason: 'no schedule' }] });
  const view = async (companyId: string) => {
    const described = await describeSchedule(ctx, companyId);
    if (!described) throw notFound(companyId);
    return described;
  };

  app.openapi(
    createRoute({
      method: 'put',
      path,
      operationId: 'putPayrollSchedule',
      tags: ['Schedules'],
      summary: 'Create or update the company’s monthly payroll export schedule',
      description:
        'One Temporal Schedule per company. Overlapping runs are skipped; missed runs are caught up once within a short window; runs start up to 5 minutes after the set time (jitter), the period comes from the set time. ' +
        'A local time that a daylight-saving change skips or repeats on the chosen day in some year is rejected (422, with a safe time). Pausing cancels an automatic retry a run is waiting for.',
      request: { params: companyParams, body: { required: true, content: { 'application/json': { schema: scheduleInputSchema } } } },
      responses: {
        200: {
          ...viewResponse,
          links: {
            GetPayrollSchedule: { operationId: 'getPayrollSchedule', parameters: { companyId: '$response.body#/companyId' }, description: 'The schedule' },
            DeletePayrollSchedule: { operationId: 'deletePayrollSchedule', parameters: { companyId: '$response.body#/companyId' }, description: 'Delete it' },
            TriggerPayrollSchedule: { operationId: 'triggerPayrollSchedule', parameters: { companyId: '$response.body#/companyId' }, description: 'Run it now' },
          },
        },
        ...problemResponses,
        422: {
          description: 'The run time is skipped or repeated by a daylight-saving change in the time zone (with suggestedTime), or the run day is after the payroll cut-off',
          content: { 'application/problem+json': { schema: problemSchema } },
        },
        ...bodyProblemResponses,
      },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      const input = c.req.valid('json');
      const company = await requireCompany(deps.db, companyId);
      const withZone = { ...input, timezone: input.timezone ?? company.timezone };
      assertSafeRunTime(withZone, new Date());
      // A run exporting the previous month after that month's payroll cut-off would be refused every month.
      if (company.payrollCutoffDay && withZone.period === 'previous' && withZone.dayOfMonth > company.payrollCutoffDay) {
        throw new ApiProblem(422, 'Run day after the payroll cut-off', {
          detail: `The company's payroll of a month closes on day ${company.payrollCutoffDay} of the following month; a run on day ${withZone.dayOfMonth} would export every month too late. Choose day ${company.payrollCutoffDay} or earlier.`,
          errors: [{ field: 'dayOfMonth', reason: `after the payroll cut-off day ${company.payrollCutoffDay}` }],
        });
      }
      await upsertSchedule(ctx, companyId, withZone);
      await refreshHealthSchedule(healthCtx, deps.db, companyId);
      return c.json(await view(companyId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path,
      operationId: 'getPayrollSchedule',
      tags: ['Schedules'],
      summary: 'The schedule: next run times, recent runs with their syncs, paused and its note',
      request: { params: companyParams },
      responses: { 200: viewResponse, ...problemResponses },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      await requireCompany(deps.db, companyId);
      return c.json(await view(companyId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path,
      operationId: 'deletePayrollSchedule',
      tags: ['Schedules'],
      summary: 'Delete the schedule (syncs it started stay in the export log; a retry a run waits for is cancelled, a running sync is left alone)',
      request: { params: companyParams },
      responses: { 204: { description: 'Deleted' }, ...problemResponses },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      await requireCompany(deps.db, companyId);
      if (!(await deleteSchedule(ctx, companyId))) throw notFound(companyId);
      await refreshHealthSchedule(healthCtx, deps.db, companyId);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${path}/trigger`,
      operationId: 'triggerPayrollSchedule',
      tags: ['Schedules'],
      summary: 'Run the schedule now (the period is derived from now, as for a scheduled run)',
      description: 'Says whether a run was started, or skipped and why (a run of the schedule is still open: its sync runs, or it waits for its automatic retry).',
      request: { params: companyParams },
      responses: {
        202: { description: 'Started, or skipped by the overlap policy', content: { 'application/json': { schema: triggerResultSchema } } },
        ...problemResponses,
        ...rateLimitedResponses,
      },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      await requireCompany(deps.db, companyId);
      const outcome = await triggerSchedule(ctx, companyId);
      if (!outcome) throw notFound(companyId);
      const scheduleId = payrollScheduleId(companyId);
      return c.json({ scheduleId, ...outcome, temporalUiUrl: scheduleUiUrl(ctx, scheduleId) }, 202);
    },
  );
}
