/**
 * Banks: balances and statements from BCA, Mandiri, BNI, BRI, CIMB Niaga and Danamon over SNAP BI into the shared
 * ledger — consent-first connect, sync on demand, on a per-account schedule and on the banks' notifications, with
 * the ledger's one dedupe rule. Needs the ledger module (listed before it). See README.md in this folder.
 */
import { defineModule } from '../contract.js';
import { bankRoutes } from './api/routes/index.js';
import { bankChatCommands } from './bots/commands/index.js';
import { banksConfig } from './config.js';
import { banksSyncAccountJob } from './jobs/banks-sync-account.js';
import { bankModels } from './models/index.js';
import { bcaDescriptor } from './providers/bca.descriptor.js';
import { bniDescriptor } from './providers/bni.descriptor.js';
import { briDescriptor } from './providers/bri.descriptor.js';
import { cimbDescriptor } from './providers/cimb.descriptor.js';
import { danamonDescriptor } from './providers/danamon.descriptor.js';
import { mandiriDescriptor } from './providers/mandiri.descriptor.js';
import { createBankServices } from './services/index.js';
import { bankMutationHandler } from './webhooks/bank-mutations.js';
import { registerBankConsentCallback } from './webhooks/consent-callback.js';
import { bankNotificationWebhook } from './webhooks/snap/intake.js';

export const banksModule = defineModule({
  name: 'banks',
  config: banksConfig,
  models: bankModels,
  providers: [bcaDescriptor, mandiriDescriptor, bniDescriptor, briDescriptor, cimbDescriptor, danamonDescriptor],
  services: createBankServices,
  // The consent callback is a browser redirect from the bank's page, not a signed notification: a route of its own.
  routes: [...bankRoutes, registerBankConsentCallback],
  webhooks: (secrets) => [bankNotificationWebhook(secrets)],
  inboxHandlers: (services) => ({ 'bank-mutation': bankMutationHandler(services.bankSync) }),
  jobs: [banksSyncAccountJob],
  commands: bankChatCommands,
});
