export { startFakeTelegram, type FakeTelegram, type FakeTelegramOptions, type SentMessage, type RecordedCall, type TgUser, type TgChat } from './server.js';
export { parseMarkdownV2 } from './markdown-v2.js';
