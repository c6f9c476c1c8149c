export { startMidtransSandbox, type MidtransSandbox, type MidtransSandboxOptions, type MidtransTransaction, type MidtransFaultMode } from './server.js';
