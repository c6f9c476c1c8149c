/**
 * GET /webhooks/bank/:bank/consent — where a redirect bank's consent page sends the account holder's browser back,
 * with `authCode` and the `state` the hub gave the bank (or `error` when the holder declined).
 *
 * Not under /api: a browser redirect carries no API key. What makes it trustworthy instead is the state: 256 random
 * bits the hub issued for one user's pending consent, kept only as a hash, good once and for ten minutes; and the
 * auth code, which only the bank can turn into a token, in a request signed with the hub's own credentials. The
 * answer is a small page for the person in the browser; their app learns the outcome from
 * GET /api/bank/connect/{consentId}. The URL carries the code, so the page is not cached and sends no Referer.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { codeToStatus } from '../../../http/errors.js';
import type { HubEnv } from '../../../http/hub-env.js';
import { AppError } from '../../../lib/errors.js';
import { BANK_CODES } from '../providers/snap/types.js';

const STATE = /^[\w-]{16,128}$/;
const AUTH_CODE = /^[\w.~+/=-]{1,512}$/;
const ERROR = /^[\w .-]{1,100}$/;

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(c: Context<HubEnv>, status: 200 | 400 | 404 | 409 | 422 | 502 | 503, title: string, text: string) {
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Content-Type-Options', 'nosniff');
  return c.html(
    `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(title)}</title>` +
      '<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:32rem}</style></head>' +
      `<body><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`,
    status,
  );
}

export const registerBankConsentCallback = (app: OpenAPIHono<HubEnv>) =>
  app.get('/webhooks/bank/:bank/consent', async (c) => {
    const bank = c.req.param('bank').toUpperCase();
    if (!(BANK_CODES as readonly string[]).includes(bank)) return page(c, 404, 'Unknown bank', 'This address does not belong to a bank this hub connects.');
    const state = c.req.query('state') ?? '';
    const authCode = c.req.query('authCode');
    const error = c.req.query('error');
    if (!STATE.test(state)) return page(c, 400, 'Link not complete', 'The bank sent you back without the state this hub gave it (state: missing or malformed). Start connecting again from the app.');
    if (authCode === undefined && error === undefined) return page(c, 400, 'Link not complete', 'The bank sent you back with neither a consent code (authCode) nor a reason (error). Start connecting again from the app.');
    if ((authCode !== undefined && !AUTH_CODE.test(authCode)) || (error !== undefined && !ERROR.test(error))) return page(c, 400, 'Link not complete', 'The consent code (authCode) or reason (error) in this link is malformed. Start connecting again from the app.');
    try {
      const result = await c.var.services.banks.completeRedirectConsent({ bank, state, authCode: error === undefined ? authCode : undefined, error });
      if (result.status === 'declined') return page(c, 200, 'Not connected', `You did not approve access at ${bank}, so nothing was connected. You can close this window.`);
      return page(c, 200, 'Connected', `${bank} ${result.account.accountNumberMasked ?? ''} is connected. You can close this window and return to the app.`);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const status = codeToStatus(err.code);
      const shown = status === 404 || status === 409 || status === 422 || status === 503 ? status : status >= 500 ? 502 : 400;
      return page(c, shown, 'Not connected', err.message);
    }
  });
