import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { payrollScheduleId } from '../../contracts/ids.js';
import { describeSchedule, upsertSchedule, type ScheduleContext } from '../payroll-schedules.js';
import { requireCompany } from '../company-guard.js';
import type { ApiDeps } from '../deps.js';
import { ApiProblem } from '../problem.js';
import { companyParams, problemResponses } from '../schemas/common.js';
import { scheduleInputSchema, scheduleViewSchema } from '../schemas/payroll-schedule.js';

const path = '/v1/companies/{companyId}/payroll-schedule';
const viewResponse = { description: 'The schedule', content: { 'application/json': { schema: scheduleViewSchema } } } as const;

export function registerPayrollScheduleRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const ctx: ScheduleContext = {
    temporal: deps.temporal,
    taskQueue: deps.config.taskQueue,
    temporalUiUrl: deps.config.temporalUiUrl,
    temporalNamespace: deps.config.temporalNamespace,
  };
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
      tags: ['Schedules'],
      summary: 'Create or update the company’s monthly payroll export schedule',
      description: 'One Temporal Schedule per company. Overlapping runs are skipped; missed runs are caught up once within a short window.',
      request: { params: companyParams, body: { required: true, content: { 'application/json': { schema: scheduleInputSchema } } } },
      responses: { 200: viewResponse, ...problemResponses },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      const input = c.req.valid('json');
      const company = await requireCompany(deps.db, companyId);
      await upsertSchedule(ctx, companyId, { ...input, timezone: input.timezone ?? company.timezone });
      return c.json(await view(companyId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path,
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
      tags: ['Schedules'],
      summary: 'Delete the schedule (syncs it started stay in the export log)',
      request: { params: companyParams },
      responses: { 204: { description: 'Deleted' }, ...problemResponses },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      await requireCompany(deps.db, companyId);
      try {
        await deps.temporal.schedule.getHandle(payrollScheduleId(companyId)).delete();
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) throw notFound(companyId);
        throw error;
      }
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${path}/trigger`,
      tags: ['Schedules'],
      summary: 'Run the schedule now (the period is derived from now, as for a scheduled run)',
      request: { params: companyParams },
      responses: {
        202: { description: 'Triggered', content: { 'application/json': { schema: z.object({ scheduleId: z.string(), triggered: z.literal(true), temporalUiUrl: z.string() }) } } },
        ...problemResponses,
      },
    }),
    async (c) => {
      const { companyId } = c.req.valid('param');
      await requireCompany(deps.db, companyId);
      const described = await view(companyId);
      try {
        await deps.temporal.schedule.getHandle(payrollScheduleId(companyId)).trigger(ScheduleOverlapPolicy.SKIP);
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) throw notFound(companyId);
        throw error;
      }
      return c.json({ scheduleId: described.scheduleId, triggered: true as const, temporalUiUrl: described.temporalUiUrl }, 202);
    },
  );
}
