import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { Readable } from 'node:stream';
import type { HubEnv } from '../../../../http/hub-env.js';
import { ObjectIdParam, bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import { daySchema as day } from '../day.js';
import { CONTENT_TYPES, EXPORT_FORMATS, type ExportFormat } from '../../services/exporters/model.js';
import { writeFormat, writeZip } from '../../services/exporters/zip.js';
import { withConvertedAmounts } from '../../services/exporters/converted-amounts.js';
import { conversionTarget } from '../../../market/api/conversion-target.js';

const query = z.object({
  format: z.enum(EXPORT_FORMATS).default('csv'),
  from: day.optional(),
  to: day.optional(),
  accountId: ObjectIdParam.optional(),
  type: z.enum(['credit', 'debit']).optional(),
  category: z.string().max(100).optional(),
  zip: z.enum(['true', 'false']).optional(),
  /** With zip=true: the formats to bundle, comma-separated (default all). */
  formats: z.string().regex(/^(csv|xlsx|json|pdf)(,(csv|xlsx|json|pdf))*$/).optional(),
  /** Also give each amount in this ISO 4217 currency at the rate of its date (the original stays beside it). */
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter ISO 4217 code').optional(),
  /** `true`: the same in the home currency of your market settings. */
  homeCurrency: z.enum(['true', 'false']).optional(),
});

const route = createRoute({
  method: 'get',
  path: '/api/data/export',
  tags: ['data'],
  summary: 'Your transactions as CSV, XLSX, JSON or a PDF statement (or several in a zip), streamed',
  security: bearerSecurity,
  request: { query },
  responses: { 200: { description: 'The file', content: { 'application/octet-stream': { schema: z.any() } } }, ...commonErrorResponses },
});

export const registerDataExport = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const q = c.req.valid('query');
    const service = c.var.services.data;
    const actor = c.var.actor;
    const filter = { from: q.from, to: q.to, accountId: q.accountId, type: q.type, category: q.category };
    const base = `smartwealth-${q.from ?? 'all'}${q.to ? `-to-${q.to}` : ''}`;
    // Checked before the first byte too: an unknown currency is a 400, not a broken download.
    const convertTo = await conversionTarget(c.var.services, actor.userId, q);
    const meta = { title: 'SmartWealth statement', period: { from: q.from, to: q.to }, convertedTo: convertTo };
    const rowsOf = () => (convertTo ? withConvertedAmounts(service.exportRows(actor, filter), c.var.services.marketHomeCurrency, convertTo) : service.exportRows(actor, filter));
    // Ownership of accountId (and the first batch's rates) is checked before the first byte, so a wrong id is a 404
    // and a currency no source quotes is a 400, not a broken download.
    const first = rowsOf();
    await first.next().then(() => first.return(undefined));
    const zip = q.zip === 'true';
    const formats = (q.formats?.split(',') as ExportFormat[] | undefined) ?? [...EXPORT_FORMATS];
    const body = zip ? writeZip(formats, rowsOf, base, meta) : writeFormat(q.format, rowsOf(), meta);
    const ext = zip ? 'zip' : q.format;
    return new Response(Readable.toWeb(body) as ReadableStream, {
      status: 200,
      headers: { 'content-type': CONTENT_TYPES[ext], 'content-disposition': `attachment; filename="${base}.${ext}"` },
    }) as never;
  });
