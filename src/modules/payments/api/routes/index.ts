/** The payment REST operations, in registration order (fixed paths before /api/payment/{id}). */
import { registerUnlinkDirectDebitAccount } from './direct-debit-link-delete.js';
import { registerConfirmDirectDebitOtp } from './direct-debit-link-otp.js';
import { registerStartDirectDebitLink } from './direct-debit-link-start.js';
import { registerListDirectDebitLinks } from './direct-debit-links-list.js';
import { registerPaymentAnalytics } from './payment-analytics.js';
import { registerGetPaymentBatch } from './payment-batch-get.js';
import { registerSubmitPaymentBatch } from './payment-batch-submit.js';
import { registerCancelPayment } from './payment-cancel.js';
import { registerGetPayment } from './payment-get.js';
import { registerPaymentHistory } from './payment-history.js';
import { registerListPaymentMethods } from './payment-methods-list.js';
import { registerProcessPayment } from './payment-process.js';
import { registerCancelRecurringPayment } from './payment-recurring-cancel.js';
import { registerCreateRecurringPayment } from './payment-recurring-create.js';
import { registerListRecurringPayments } from './payment-recurring-list.js';
import { registerRefundPayment } from './payment-refund.js';

export const paymentRoutes = [
  registerListPaymentMethods,
  registerProcessPayment,
  registerPaymentHistory,
  registerPaymentAnalytics,
  registerSubmitPaymentBatch,
  registerGetPaymentBatch,
  registerCreateRecurringPayment,
  registerListRecurringPayments,
  registerCancelRecurringPayment,
  registerStartDirectDebitLink,
  registerListDirectDebitLinks,
  registerConfirmDirectDebitOtp,
  registerUnlinkDirectDebitAccount,
  registerGetPayment,
  registerCancelPayment,
  registerRefundPayment,
];
