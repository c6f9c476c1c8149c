import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object. Provider secrets, api keys and tokens
 * must never reach a log line, even when someone logs a whole request or config object.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-callback-token"]',
  'req.headers["x-telegram-bot-api-secret-token"]',
  'headers.authorization',
  'headers["x-callback-token"]',
  '*.apiKey', '*.api_key', '*.password', '*.secret', '*.token', '*.accessToken', '*.clientSecret', '*.privateKey',
  '*.serverKey', '*.callbackToken', '*.signature_key', '*.signingSecret', '*.botToken',
  'config.ADMIN_API_KEY', 'config.DATA_ENCRYPTION_KEY', 'config.MIDTRANS_SERVER_KEY', 'config.XENDIT_SECRET_KEY',
  'config.XENDIT_CALLBACK_TOKEN', 'config.TELEGRAM_BOT_TOKEN', 'config.TELEGRAM_WEBHOOK_SECRET', 'config.SLACK_BOT_TOKEN',
  'config.SLACK_SIGNING_SECRET',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'smartwealth-hub' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
