/**
 * Builds the payment services from the shared dependencies the root hands every module.
 */
import { Counter } from 'prom-client';
import type { ModuleDeps } from '../../contract.js';
import type { PaymentProvider } from '../providers/types.js';
import { PaymentBatchService } from './batch-service.js';
import { DirectDebitService } from './direct-debit-service.js';
import { PaymentQueries } from './payment-queries.js';
import { PaymentService } from './payment-service.js';
import { RecurringPaymentService } from './recurring-service.js';

export interface PaymentServices {
  payments: PaymentService;
  paymentQueries: PaymentQueries;
  paymentBatches: PaymentBatchService;
  recurringPayments: RecurringPaymentService;
  directDebit: DirectDebitService;
}

declare module '../../../services/registry.js' {
  interface Services extends PaymentServices {}
}

export function createPaymentServices(deps: ModuleDeps): PaymentServices {
  const { models, audit, notifications, jobs, cipher, logger, config, clock } = deps;
  const now = () => clock.now();
  const providers = deps.providers.of<PaymentProvider>('payments') as Map<PaymentProvider['name'], PaymentProvider>;
  const directDebit = new DirectDebitService({ models, providers, cipher, audit, logger, notifications, now });
  const payments = new PaymentService({
    models,
    providers,
    linkedAccounts: directDebit,
    audit,
    notifications,
    jobs,
    cipher,
    logger,
    routing: config.PAYMENT_ROUTING,
    now,
    // Test hook (refused in production by config): die like a crashed process, with no shutdown and no cleanup.
    ...(config.PAYMENT_TEST_EXIT_AFTER_CLAIM ? { afterChargeClaimed: () => process.kill(process.pid, 'SIGKILL') } : {}),
    // Registered on the hub's own registry, so /metrics shows it beside the webhook counters.
    confirmations: new Counter({
      name: 'hub_payment_event_confirmations_total',
      help: 'Payment notifications confirmed with their provider before being applied, by provider and result (confirmed, contradicted, unavailable)',
      labelNames: ['provider', 'result'] as const,
      registers: [deps.metrics.registry],
    }),
  });
  return {
    payments,
    paymentQueries: new PaymentQueries(models),
    paymentBatches: new PaymentBatchService({ models, payments, jobs, audit, cipher, logger, now }),
    recurringPayments: new RecurringPaymentService({ models, payments, jobs, audit, notifications, cipher, logger, now }),
    directDebit,
  };
}
