import { OpenAPIHono } from '@hono/zod-openapi';
import { validationFailed, type FieldIssue } from '../lib/errors.js';
import { handleError } from '../http/errors.js';
import type { HubEnv } from '../http/hub-env.js';

/**
 * A Hono app whose zod validation failures become 400 VALIDATION_FAILED naming each field, and whose errors all
 * go through handleError. Used for the whole API and for sub-apps.
 */
export function createApp(): OpenAPIHono<HubEnv> {
  const app = new OpenAPIHono<HubEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      const issues: FieldIssue[] = result.error.issues.map((issue) => ({
        field: issue.path.length ? issue.path.map(String).join('.') : result.target,
        reason: issue.message,
        in: result.target,
      }));
      throw validationFailed(issues);
    },
  });
  app.onError(handleError);
  return app;
}
