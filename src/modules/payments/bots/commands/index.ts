/** The payment commands this capability contributes to the chat core. */
import { payCommand } from './pay.js';
import { paymentCommand } from './payment.js';
import { paymentsCommand } from './payments.js';
import { recurringCommand } from './recurring.js';
import { refundCommand } from './refund.js';

export const paymentChatCommands = [payCommand, paymentsCommand, paymentCommand, refundCommand, recurringCommand];
