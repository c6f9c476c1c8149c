import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { toJakartaIso } from '../../../../lib/time.js';

const LinkCodeResponse = z.object({
  code: z.string().openapi({ example: 'K7Q2M9XH' }),
  expiresAt: z.string().openapi({ description: 'Asia/Jakarta time; the code works once, for 10 minutes' }),
  instructions: z.string(),
});

const route = createRoute({
  method: 'post',
  path: '/api/chat/link-code',
  tags: ['chat'],
  summary: 'A one-time code to link a Telegram or Slack account: type /link CODE to the bot (10 minutes, single use)',
  security: bearerSecurity,
  responses: { 201: { description: 'A new code', content: { 'application/json': { schema: LinkCodeResponse } } }, ...commonErrorResponses },
});

export const registerChatLinkCode = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const { code, expiresAt } = await c.var.services.chatIdentities.createLinkCode(c.var.actor);
    return c.json(
      {
        code,
        expiresAt: toJakartaIso(expiresAt),
        instructions: `Send "/link ${code}" to the SmartWealth bot in Telegram, or "/sw link ${code}" in Slack, within 10 minutes.`,
      },
      201,
    );
  });
