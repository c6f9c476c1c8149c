/** The chat REST operations. */
import { registerChatLinkCode } from './chat-link-code.js';
import { registerChatMessage } from './chat-message.js';

export const chatRoutes = [registerChatLinkCode, registerChatMessage];
