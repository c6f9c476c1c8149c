export { startXenditSandbox, type XenditSandbox, type XenditSandboxOptions, type XenditPayment, type XenditFaultMode } from './server.js';
