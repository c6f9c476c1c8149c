import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { EXPORT_FREQUENCIES } from '../../models/export-schedule.js';
import { EXPORT_FORMATS } from '../../services/exporters/model.js';

export const ScheduleView = z
  .object({
    id: z.string(),
    frequency: z.enum(EXPORT_FREQUENCIES),
    format: z.enum(EXPORT_FORMATS),
    hour: z.number().int(),
    filter: z.record(z.string(), z.unknown()),
    status: z.enum(['active', 'cancelled']),
    nextRunAt: z.string(),
    lastRunAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('ExportSchedule');

const body = z.object({
  frequency: z.enum(EXPORT_FREQUENCIES).openapi({ description: 'daily: yesterday, at `hour`; weekly: last Monday–Sunday, on Mondays; monthly: last month, on the 1st' }),
  format: z.enum(EXPORT_FORMATS).default('csv'),
  hour: z.number().int().min(0).max(23).default(6).openapi({ description: 'Hour of the run, Asia/Jakarta' }),
  accountId: ObjectIdParam.optional(),
  type: z.enum(['credit', 'debit']).optional(),
  category: z.string().min(1).max(60).optional(),
});

const route = createRoute({
  method: 'post',
  path: '/api/data/export/schedule',
  tags: ['data'],
  summary: 'Export the previous day, week or month on a schedule (Asia/Jakarta); files are kept for download and announced as notifications',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: body } } } },
  responses: { 201: { description: 'Scheduled', content: { 'application/json': { schema: ScheduleView } } }, ...commonErrorResponses },
});

export const registerDataExportScheduleCreate = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => c.json(await c.var.services.dataExportSchedules.create(c.var.actor, c.req.valid('json')), 201));
