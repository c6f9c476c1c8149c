/** The text parts that may accompany an upload, validated like any request body. */
import { validationFailed } from '../../../lib/errors.js';
import { mappingSchema, type Mapping } from '../services/templates/generic.js';

export function uploadOptions(fields: Record<string, string>): { template?: string; accountId?: string; mapping?: Mapping; currency?: string } {
  let mapping: Mapping | undefined;
  if (fields.mapping) {
    let raw: unknown;
    try {
      raw = JSON.parse(fields.mapping);
    } catch {
      throw validationFailed([{ field: 'mapping', reason: 'must be JSON', in: 'multipart' }]);
    }
    const parsed = mappingSchema.safeParse(raw);
    if (!parsed.success) throw validationFailed(parsed.error.issues.map((i) => ({ field: ['mapping', ...i.path].join('.'), reason: i.message, in: 'multipart' })));
    mapping = parsed.data;
  }
  if (fields.accountId && !/^[a-f0-9]{24}$/.test(fields.accountId)) throw validationFailed([{ field: 'accountId', reason: 'must be a 24-character hex id', in: 'multipart' }]);
  if (fields.currency && !/^[A-Z]{3}$/.test(fields.currency)) throw validationFailed([{ field: 'currency', reason: 'ISO 4217 code', in: 'multipart' }]);
  return { template: fields.template || undefined, accountId: fields.accountId || undefined, mapping, currency: fields.currency || undefined };
}
