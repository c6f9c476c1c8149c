import type { Logger } from '../lib/logger.js';
import type { Actor } from '../services/actor.js';
import type { Services } from '../services/registry.js';

/** Typed Hono context variables: set by middleware, read by routes. */
export interface HubEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    services: Services;
    /** Present after the auth middleware. */
    actor: Actor;
  };
}
