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
      const issues: FieldIssue[] = result.error.issues.flatMap((issue) => {
        const path = issue.path.map(String);
        // A strict schema reports unknown keys on the object that holds them (path [] for the body, so the field
        // would read "json"); name each unknown key instead, so the caller sees which field to drop or correct.
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => ({ field: [...path, key].join('.'), reason: 'is not a field of this request', in: result.target }));
        }
        return [{ field: path.length ? path.join('.') : result.target, reason: issue.message, in: result.target }];
      });
      throw validationFailed(issues);
    },
  });
  app.onError(handleError);
  return app;
}
