import { registerDataBulk } from './data-bulk.js';
import { registerDataEntriesCreate } from './data-entries-create.js';
import { registerDataEntriesDelete } from './data-entries-delete.js';
import { registerDataEntriesList } from './data-entries-list.js';
import { registerDataExport } from './data-export.js';
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
];
