import { bankConnectionModel } from './bank-connection.js';
import { syncRunModel } from './sync-run.js';

export const bankModels = { bankConnections: bankConnectionModel, bankSyncRuns: syncRunModel };
