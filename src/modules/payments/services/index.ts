/**
 * Builds the payment services from the shared dependencies the root hands every module.
 */
import type { ModuleDeps } from '../../contract.js';
import type { PaymentProvider } from '../providers/types.js';
import { PaymentBatchService } from './batch-service.js';
import { PaymentQueries } from './payment-queries.js';
import { PaymentService } from './payment-service.js';
import { RecurringPaymentService } from './recurring-service.js';

export interface PaymentServices {
  payments: PaymentService;
  paymentQueries: PaymentQueries;
  paymentBatches: PaymentBatchService;
  recurringPayments: RecurringPaymentService;
}

declare module '../../../services/registry.js' {
  interface Services extends PaymentServices {}
}

export function createPaymentServices(deps: ModuleDeps): PaymentServices {
  const { models, audit, notifications, jobs, cipher, logger, config, clock } = deps;
  const now = () => clock.now();
  const payments = new PaymentService({
    models,
    providers: deps.providers.of<PaymentProvider>('payments') as Map<PaymentProvider['name'], PaymentProvider>,
    audit,
    notifications,
    jobs,
    cipher,
    logger,
    routing: config.PAYMENT_ROUTING,
    now,
  });
  return {
    payments,
    paymentQueries: new PaymentQueries(models),
    paymentBatches: new PaymentBatchService({ models, payments, jobs, audit, cipher, logger }),
    recurringPayments: new RecurringPaymentService({ models, payments, jobs, audit, notifications, cipher, logger, now }),
  };
}
