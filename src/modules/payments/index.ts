/**
 * Payments: Midtrans and Xendit behind one interface; one-off, scheduled, batch and recurring payments; refunds;
 * the verified webhook inbox; reconciliation; history and analytics.
 */
import { defineModule } from '../contract.js';
import { paymentRoutes } from './api/routes/index.js';
import { paymentsConfig } from './config.js';
import { paymentChatCommands } from './bots/commands/index.js';
import { paymentsBatchJob } from './jobs/payments-batch.js';
import { paymentsChargeJob } from './jobs/payments-charge.js';
import { paymentsReconcileJob, paymentsReconcileOneJob } from './jobs/payments-reconcile.js';
import { paymentsRecurringRunJob } from './jobs/payments-recurring-run.js';
import { paymentModels } from './models/index.js';
import { midtransDescriptor } from './providers/midtrans.descriptor.js';
import { xenditDescriptor } from './providers/xendit.descriptor.js';
import { createPaymentServices } from './services/index.js';
import { midtransWebhook } from './webhooks/midtrans/intake.js';
import { paymentEventHandler } from './webhooks/payment-events.js';
import { xenditWebhook } from './webhooks/xendit/intake.js';

export const paymentsModule = defineModule({
  name: 'payments',
  config: paymentsConfig,
  models: paymentModels,
  providers: [midtransDescriptor, xenditDescriptor],
  services: createPaymentServices,
  routes: paymentRoutes,
  webhooks: (secrets) => [midtransWebhook({ serverKey: secrets.midtransServerKey! }), xenditWebhook({ callbackToken: secrets.xenditCallbackToken! })],
  inboxHandlers: (services) => ({ payment: paymentEventHandler(services.payments, services.directDebit) }),
  jobs: [paymentsChargeJob, paymentsBatchJob, paymentsRecurringRunJob, paymentsReconcileJob, paymentsReconcileOneJob],
  commands: paymentChatCommands,
});
