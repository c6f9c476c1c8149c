import { registerDataBulk } from './data-bulk.js';
import { registerDataEntriesCreate } from './data-entries-create.js';
import { registerDataEntriesDelete } from './data-entries-delete.js';
import { registerDataEntriesList } from './data-entries-list.js';
import { registerDataExport } from './data-export.js';
import { registerDataExportFileGet } from './data-export-file-get.js';
import { registerDataExportFilesList } from './data-export-files-list.js';
import { registerDataExportScheduleCreate } from './data-export-schedule-create.js';
import { registerDataExportScheduleDelete } from './data-export-schedule-delete.js';
import { registerDataExportScheduleList } from './data-export-schedule-list.js';
import { registerDataImport } from './data-import.js';
import { registerDataImportGet } from './data-import-get.js';
import { registerDataMappingsCreate } from './data-mappings-create.js';
import { registerDataMappingsDelete } from './data-mappings-delete.js';
import { registerDataMappingsList } from './data-mappings-list.js';
import { registerDataTemplates } from './data-templates.js';
import { registerDataValidate } from './data-validate.js';

export const dataRoutes = [
  registerDataTemplates,
  registerDataValidate,
  registerDataImport,
  registerDataImportGet,
  registerDataExport,
  registerDataMappingsCreate,
  registerDataMappingsList,
  registerDataMappingsDelete,
  registerDataEntriesCreate,
  registerDataEntriesList,
  registerDataEntriesDelete,
  registerDataBulk,
  registerDataExportScheduleCreate,
  registerDataExportScheduleList,
  registerDataExportScheduleDelete,
  registerDataExportFilesList,
  registerDataExportFileGet,
];
