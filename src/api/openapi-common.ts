import { z } from '@hono/zod-openapi';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string().openapi({ example: 'name: Too small: expected string to have >=1 characters' }),
      requestId: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

const errorContent = { 'application/json': { schema: ErrorSchema } };

/** Error responses every authenticated route can give; spread into `responses`. */
export const commonErrorResponses = {
  400: { description: 'Invalid input; details.issues names each field and reason', content: errorContent },
  401: { description: 'Missing or invalid API key', content: errorContent },
  404: { description: 'Not found (also for resources of other users)', content: errorContent },
  429: { description: 'Rate limited; see Retry-After', content: errorContent },
  500: { description: 'Internal error', content: errorContent },
} as const;

export const adminErrorResponses = {
  ...commonErrorResponses,
  403: { description: 'Needs an administrator key', content: errorContent },
} as const;

export const errorResponse = (description: string) => ({ description, content: errorContent });

export const bearerSecurity = [{ bearerAuth: [] as string[] }];

export const ObjectIdParam = z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hex id');
