import { z } from '@hono/zod-openapi';
import { invalidDateReason } from '../../../lib/dates.js';

/** A Jakarta calendar day as the ledger stores it: 'YYYY-MM-DD', and a real one (no 2025-02-30). */
export const daySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((v) => !invalidDateReason(v), { message: 'is not a calendar date' });
