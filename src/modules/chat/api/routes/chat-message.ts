import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Reply } from '../../../../../bots/core/reply.js';
import { bearerSecurity, commonErrorResponses } from '../../../../api/openapi-common.js';
import type { HubEnv } from '../../../../http/hub-env.js';
import { chatRuntime } from '../../bots/runtime.js';

const MessageRequest = z
  .object({
    text: z.string().min(1).max(2000).optional().openapi({ example: '/pay 150rb qris makan siang' }),
    button: z.string().min(1).max(64).optional().openapi({ description: 'The token of a button from an earlier reply' }),
  })
  .refine((b) => Boolean(b.text) !== Boolean(b.button), { message: 'send exactly one of text or button', path: ['text'] });

const Block = z.object({ type: z.string() }).catchall(z.unknown());
const MessageResponse = z.object({
  replies: z.array(z.object({ visibility: z.enum(['private', 'public']), replaceOriginal: z.boolean().optional(), blocks: z.array(Block) })),
  locale: z.object({ language: z.string(), zone: z.string() }),
  toast: z.string().optional(),
});

const route = createRoute({
  method: 'post',
  path: '/api/chat/message',
  tags: ['chat'],
  summary: 'Send a chat command as the key\'s user and get the reply model (what `npm run chat` uses); images and files come base64-encoded',
  security: bearerSecurity,
  request: { body: { content: { 'application/json': { schema: MessageRequest } }, required: true } },
  responses: { 200: { description: 'The replies', content: { 'application/json': { schema: MessageResponse } } }, ...commonErrorResponses },
});

/** Buffers cannot travel in JSON: images and files go as base64 with their name and type. */
function toJson(reply: Reply) {
  return {
    ...reply,
    blocks: reply.blocks.map((b) => (b.type === 'image' || b.type === 'file' ? { type: b.type, filename: b.filename, mimeType: b.mimeType, caption: b.caption, dataBase64: b.data.toString('base64') } : b)),
  };
}

export const registerChatMessage = (app: OpenAPIHono<HubEnv>) =>
  app.openapi(route, async (c) => {
    const { services, actor } = c.var;
    const body = c.req.valid('json');
    // The API key is the identity: the terminal needs no /link, and its settings live on a terminal identity.
    await services.chatIdentities.terminalAccount(actor);
    const result = await chatRuntime(services).handleTerminal({ channel: 'terminal', externalUserId: actor.userId, chatId: actor.userId, isGroup: false }, body);
    const payload = { replies: result.replies.map(toJson), locale: result.locale, ...(result.toast ? { toast: result.toast } : {}) };
    return c.json(payload as z.infer<typeof MessageResponse>, 200);
  });
