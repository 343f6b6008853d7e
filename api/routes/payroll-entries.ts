import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { companyCollections } from '../../db/companies.js';
import { centsToDecimalString } from '../../payroll/money.js';
import { readActiveEntrySet, readEntryPage, storeEntrySet } from '../../db/entry-sets.js';
import { totalsByBenefit } from '../../payroll/entries.js';
import { MAX_LISTED_ERRORS, validateEntries } from '../../payroll/entry-validation.js';
import { isPeriod } from '../../payroll/period.js';
import { requirePeriodInWindow } from '../period-window.js';
import { requireCompany } from '../company-guard.js';
import type { ApiDeps } from '../deps.js';
import { ApiProblem } from '../problem.js';
import { bodyProblemResponses, problemResponses } from '../schemas/common.js';
import {
  entriesPageSchema,
  entriesParams,
  entriesProblemSchema,
  entriesQuerySchema,
  entrySetSummarySchema,
  PERIOD_REASON,
  putEntriesBodySchema,
} from '../schemas/payroll-entries.js';

const entriesPath = '/v1/companies/{companyId}/payroll-periods/{period}/entries';

function requirePeriod(period: string): void {
  if (isPeriod(period)) requirePeriodInWindow(period);
  if (!isPeriod(period)) {
    throw new ApiProblem(400, 'Invalid request', { detail: `"${period.slice(0, 20)}" is not a payroll period.`, errors: [{ field: 'period', reason: PERIOD_REASON }] });
  }
}

export function registerPayrollEntryRoutes(app: OpenAPIHono, deps: ApiDeps): void {
  const { benefitMappings } = companyCollections(deps.db);

  app.openapi(
    createRoute({
      method: 'put',
      path: entriesPath,
      operationId: 'putPayrollEntries',
      tags: ['Payroll entries'],
      summary: "Replace a period's entries (benefit amounts per employee)",
      description: [
        'Replaces the whole entry set of the period, atomically: readers see the old set or the new one, never a mix.',
        'Every row is validated; if any row is bad nothing is stored and the 400 problem lists every bad row',
        `(index, field such as entries[3].amount, reason; at most ${MAX_LISTED_ERRORS} listed, errorCount is the total).`,
        'The same employee and benefit twice is an error, and all rows share one currency.',
        'An empty list is accepted and clears the period (an empty set becomes active; GET then shows entryCount 0).',
        'Rows that are well-formed but name a benefit the company has not mapped are a 422 listing those rows (a request with any other bad row is a 400).',
      ].join(' '),
      request: { params: entriesParams, body: { required: true, content: { 'application/json': { schema: putEntriesBodySchema } } } },
      responses: {
        200: {
          description: 'The stored set with totals per benefit',
          content: { 'application/json': { schema: entrySetSummarySchema } },
          links: {
            GetPayrollEntries: {
              operationId: 'getPayrollEntries',
              parameters: { companyId: '$response.body#/companyId', period: '$response.body#/period' },
              description: 'The stored entries, page by page',
            },
            StartPayrollSync: { operationId: 'startPayrollSync', parameters: { companyId: '$response.body#/companyId' }, description: 'Sync the period (send it as period)' },
            ListPayrollSyncs: {
              operationId: 'listPayrollSyncs',
              parameters: { companyId: '$response.body#/companyId', period: '$response.body#/period' },
              description: 'The syncs of the period',
            },
          },
        },
        ...problemResponses,
        400: { description: 'Invalid period or entries', content: { 'application/problem+json': { schema: entriesProblemSchema } } },
        422: {
          description: 'The period is outside 2000-01 … December ten years ahead, or rows name benefits the company has not mapped',
          content: { 'application/problem+json': { schema: entriesProblemSchema } },
        },
        ...bodyProblemResponses,
      },
    }),
    async (c) => {
      const { companyId, period } = c.req.valid('param');
      requirePeriod(period);
      await requireCompany(deps.db, companyId);
      const { entries: rows } = c.req.valid('json');
      const mappings = await benefitMappings.findOne({ _id: companyId }, { projection: { mappings: 1 } });
      const result = validateEntries(rows, (mappings?.mappings ?? []).map((mapping) => mapping.benefitKey));
      if (!result.ok) {
        const listed = result.errors.length < result.errorCount ? ` The first ${result.errors.length} are listed.` : '';
        // Well-formed rows whose only fault is a benefit the company has not mapped: they fit the schema, the company's
        // state refuses them (422). Told apart by validating again with every key the rows name taken as mapped.
        const rowKeys = Array.isArray(rows) ? rows.flatMap((row) => (typeof row === 'object' && row !== null && typeof (row as { benefitKey?: unknown }).benefitKey === 'string' ? [(row as { benefitKey: string }).benefitKey] : [])) : [];
        if (validateEntries(rows, rowKeys).ok) {
          throw new ApiProblem(422, 'Unknown benefit', {
            detail: `${result.errorCount} row(s) name a benefit the company has not mapped; nothing was stored. Add the benefits to the benefit mappings first.${listed}`,
            errors: result.errors,
            errorCount: result.errorCount,
          });
        }
        throw new ApiProblem(400, 'Invalid request', {
          detail: `The entries have ${result.errorCount} problem(s); nothing was stored.${listed}`,
          errors: result.errors,
          errorCount: result.errorCount,
        });
      }
      const stored = await storeEntrySet(deps.db, companyId, period, result.entries, result.currency);
      deps.logger.info('payroll entries stored', { companyId, period, entrySetId: stored.setId, entryCount: stored.entryCount });
      return c.json(
        {
          companyId,
          period,
          entrySetId: stored.setId,
          entryCount: stored.entryCount,
          currency: stored.currency,
          totals: totalsByBenefit(result.entries).map((total) => ({ ...total, amount: centsToDecimalString(total.amountCents) })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: entriesPath,
      operationId: 'getPayrollEntries',
      tags: ['Payroll entries'],
      summary: "A page of the period's active entries",
      description: 'Entries in row order (index = position in the PUT). 404 when no entries were ever stored for the period.',
      request: { params: entriesParams, query: entriesQuerySchema },
      responses: {
        200: {
          description: 'The active set and one page of its entries',
          content: { 'application/json': { schema: entriesPageSchema } },
          links: {
            NextPage: {
              operationId: 'getPayrollEntries',
              parameters: { companyId: '$request.path.companyId', period: '$request.path.period', offset: '$response.body#/nextOffset' },
              description: 'The next page (send the same limit); there is none while nextOffset is null',
            },
          },
        },
        ...problemResponses,
        400: { description: 'Invalid period or paging', content: { 'application/problem+json': { schema: entriesProblemSchema } } },
        422: { description: 'The period is outside 2000-01 … December ten years ahead', content: { 'application/problem+json': { schema: entriesProblemSchema } } },
      },
    }),
    async (c) => {
      const { companyId, period } = c.req.valid('param');
      requirePeriod(period);
      const { offset, limit } = c.req.valid('query');
      await requireCompany(deps.db, companyId);
      const set = await readActiveEntrySet(deps.db, companyId, period);
      if (!set) {
        throw new ApiProblem(404, 'Not Found', { detail: `No entries are stored for company "${companyId}" and period ${period}.`, errors: [{ field: 'period', reason: 'no entries stored' }] });
      }
      const page = await readEntryPage(deps.db, set, offset, limit);
      const next = offset + limit;
      return c.json(
        {
          companyId,
          period,
          entrySetId: set.setId,
          entryCount: set.entryCount,
          chunkCount: set.chunkCount,
          currency: set.currency,
          updatedAt: set.updatedAt.toISOString(),
          offset,
          limit,
          nextOffset: next < set.entryCount ? next : null,
          entries: page.map((entry) => ({
            index: entry.index,
            employeeEmail: entry.employeeEmail,
            benefitKey: entry.benefitKey,
            amount: centsToDecimalString(entry.amountCents),
            amountCents: entry.amountCents,
            currency: entry.currency,
          })),
        },
        200,
      );
    },
  );
}
