export { startFakeSlack, blockErrors, type FakeSlack, type FakeSlackOptions, type PostedMessage, type SlackCall, type SlackFile, type HubAnswer, type SignOverride } from './server.js';
