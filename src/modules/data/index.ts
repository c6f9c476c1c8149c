/**
 * Import/export: statement files (bank CSV/XLSX/PDF, OFX/QIF/CAMT.053, JSON) into the shared ledger with the one
 * dedupe rule, validation as a dry run, and streamed exports. See README.md in this folder.
 */
import { defineModule } from '../contract.js';
import { dataRoutes } from './api/routes/index.js';
import { dataChatCommands } from './bots/commands/index.js';
import { dataExportScheduledJob } from './jobs/data-export-scheduled.js';
import { dataImportJob } from './jobs/data-import.js';
import { dataModels } from './models/index.js';
import { createDataServices } from './services/index.js';

export const dataModule = defineModule({
  name: 'data',
  models: dataModels,
  services: createDataServices,
  routes: dataRoutes,
  jobs: [dataImportJob, dataExportScheduledJob],
  commands: dataChatCommands,
});
