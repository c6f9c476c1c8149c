import { exportFileModel, type ExportFileModel } from './export-file.js';
import { exportScheduleModel, type ExportScheduleModel } from './export-schedule.js';
import { importJobModel, type ImportJobModel } from './import-job.js';
import { importMappingModel, type ImportMappingModel } from './import-mapping.js';

export const dataModels = { ImportJob: importJobModel, ImportMapping: importMappingModel, ExportSchedule: exportScheduleModel, ExportFile: exportFileModel };

declare module '../../../db/models/index.js' {
  interface Models {
    ImportJob: ImportJobModel;
    ImportMapping: ImportMappingModel;
    ExportSchedule: ExportScheduleModel;
    ExportFile: ExportFileModel;
  }
}
