import { bankConnectionModel, type BankConnectionModel } from './bank-connection.js';
import { categoryOverrideModel, type CategoryOverrideModel } from './category-override.js';
import { syncRunModel, type SyncRunModel } from './sync-run.js';

export const bankModels = {
  BankConnection: bankConnectionModel,
  BankSyncRun: syncRunModel,
  BankCategoryOverride: categoryOverrideModel,
};

declare module '../../../db/models/index.js' {
  interface Models {
    BankConnection: BankConnectionModel;
    BankSyncRun: SyncRunModel;
    BankCategoryOverride: CategoryOverrideModel;
  }
}
