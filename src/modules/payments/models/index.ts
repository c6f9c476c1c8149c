import type { Model } from 'mongoose';
import { linkedAccountModel, type LinkedAccountDoc } from './linked-account.js';
import { paymentBatchModel, type PaymentBatchDoc } from './payment-batch.js';
import { paymentModel, type PaymentDoc } from './payment.js';
import { recurringPaymentModel, type RecurringPaymentDoc } from './recurring-payment.js';

export const paymentModels = {
  Payment: paymentModel,
  PaymentBatch: paymentBatchModel,
  RecurringPayment: recurringPaymentModel,
  LinkedAccount: linkedAccountModel,
};

declare module '../../../db/models/index.js' {
  interface Models {
    Payment: Model<PaymentDoc>;
    PaymentBatch: Model<PaymentBatchDoc>;
    RecurringPayment: Model<RecurringPaymentDoc>;
    LinkedAccount: Model<LinkedAccountDoc>;
  }
}
