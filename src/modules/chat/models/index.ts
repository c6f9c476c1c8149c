import type { Model } from 'mongoose';
import { chatConfirmationModel, type ChatConfirmationDoc } from './chat-confirmation.js';
import { chatDeliveryModel, type ChatDeliveryDoc } from './chat-delivery.js';
import { chatIdentityModel, type ChatIdentityDoc } from './chat-identity.js';
import { chatLinkCodeModel, type ChatLinkCodeDoc } from './chat-link-code.js';

export const chatModels = {
  ChatIdentity: chatIdentityModel,
  ChatLinkCode: chatLinkCodeModel,
  ChatConfirmation: chatConfirmationModel,
  ChatDelivery: chatDeliveryModel,
};

declare module '../../../db/models/index.js' {
  interface Models {
    ChatIdentity: Model<ChatIdentityDoc>;
    ChatLinkCode: Model<ChatLinkCodeDoc>;
    ChatConfirmation: Model<ChatConfirmationDoc>;
    ChatDelivery: Model<ChatDeliveryDoc>;
  }
}
