import type { ModuleDeps } from '../../contract.js';
import { BulkService } from './bulk-service.js';
import { DataService } from './data-service.js';
import { ExportScheduleService } from './export-schedule-service.js';
import { ImportService } from './import-service.js';
import { ManualEntryService } from './manual-entry-service.js';
import { MappingService } from './mapping-service.js';

export interface DataServices {
  data: DataService;
  dataImports: ImportService;
  dataMappings: MappingService;
  manualEntries: ManualEntryService;
  dataBulk: BulkService;
  dataExportSchedules: ExportScheduleService;
}

declare module '../../../services/registry.js' {
  interface Services extends DataServices {}
}

export function createDataServices(deps: ModuleDeps): DataServices {
  const dataMappings = new MappingService(deps);
  const dataImports = new ImportService(deps, dataMappings);
  // A dry run counts duplicates against the account the import would pick (the one the statement names).
  const data = new DataService(deps, dataMappings, (actor, hint) => dataImports.findStatementAccount(actor, hint));
  return {
    data,
    dataExportSchedules: new ExportScheduleService(deps, data),
    dataImports,
    dataMappings,
    manualEntries: new ManualEntryService(deps),
    dataBulk: new BulkService(deps),
  };
}
