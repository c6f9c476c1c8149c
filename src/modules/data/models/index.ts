import { importJobModel, type ImportJobModel } from './import-job.js';

export const dataModels = { ImportJob: importJobModel };

declare module '../../../db/models/index.js' {
  interface Models {
    ImportJob: ImportJobModel;
  }
}
