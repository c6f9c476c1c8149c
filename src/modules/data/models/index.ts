import { importJobModel, type ImportJobModel } from './import-job.js';
import { importMappingModel, type ImportMappingModel } from './import-mapping.js';

export const dataModels = { ImportJob: importJobModel, ImportMapping: importMappingModel };

declare module '../../../db/models/index.js' {
  interface Models {
    ImportJob: ImportJobModel;
    ImportMapping: ImportMappingModel;
  }
}
