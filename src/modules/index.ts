/**
 * Every capability the hub runs, in dependency order (a module may use the services of those above it).
 * Adding a capability is a folder under src/modules/ and one line here.
 */
import type { HubModule } from './contract.js';
import { banksModule } from './banks/index.js';
import { chatModule } from './chat/index.js';
import { dataModule } from './data/index.js';
import { ledgerModule } from './ledger/index.js';
import { marketModule } from './market/index.js';
import { paymentsModule } from './payments/index.js';

export const hubModules: readonly HubModule[] = [ledgerModule, banksModule, marketModule, paymentsModule, dataModule, chatModule];
