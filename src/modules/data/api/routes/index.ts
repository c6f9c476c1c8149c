import { registerDataExport } from './data-export.js';
import { registerDataImport } from './data-import.js';
import { registerDataImportGet } from './data-import-get.js';
import { registerDataTemplates } from './data-templates.js';
import { registerDataValidate } from './data-validate.js';

export const dataRoutes = [registerDataTemplates, registerDataValidate, registerDataImport, registerDataImportGet, registerDataExport];
