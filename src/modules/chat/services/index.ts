/**
 * Builds the chat services. The command core itself lives in bots/ (an adapter); what is here is the state it
 * needs: identities and link codes, pending confirmations, notification deliveries, and the platform clients.
 */
import type { Logger } from '../../../lib/logger.js';
import type { ModuleDeps } from '../../contract.js';
import type { SlackPlatform, TelegramPlatform } from '../providers/platforms.js';
import { ChatConfirmationStore } from './confirmation-store.js';
import { ChatDeliveryService } from './delivery-service.js';
import { ChatIdentityService } from './identity-service.js';

export interface ChatServices {
  chatIdentities: ChatIdentityService;
  chatConfirmations: ChatConfirmationStore;
  chatDeliveries: ChatDeliveryService;
  chatPlatforms: { telegram?: TelegramPlatform; slack?: SlackPlatform };
  /** Every module's chat commands, for the command core (typed there). */
  chatCommands: readonly unknown[];
  /** Where the chat adapters log (an unexpected command failure is logged with the reference the user sees). */
  chatLogger: Logger;
  chatSettings: { telegramPolling: boolean };
}

declare module '../../../services/registry.js' {
  interface Services extends ChatServices {}
}

export function createChatServices(deps: ModuleDeps): ChatServices {
  const now = () => deps.clock.now();
  const chatIdentities = new ChatIdentityService({ models: deps.models, audit: deps.audit, now });
  const platforms = deps.providers.of<TelegramPlatform | SlackPlatform>('chat');
  return {
    chatIdentities,
    chatConfirmations: new ChatConfirmationStore(deps.models),
    chatDeliveries: new ChatDeliveryService({ models: deps.models, identities: chatIdentities, now }),
    chatPlatforms: { telegram: platforms.get('telegram') as TelegramPlatform | undefined, slack: platforms.get('slack') as SlackPlatform | undefined },
    chatCommands: deps.chatCommands ?? [],
    chatLogger: deps.logger.child({ module: 'chat' }),
    chatSettings: { telegramPolling: deps.config.TELEGRAM_POLLING },
  };
}
