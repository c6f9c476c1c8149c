import type { ModuleDeps } from '../../contract.js';
import { DataService } from './data-service.js';
import { ImportService } from './import-service.js';
import { MappingService } from './mapping-service.js';

export interface DataServices {
  data: DataService;
  dataImports: ImportService;
  dataMappings: MappingService;
}

declare module '../../../services/registry.js' {
  interface Services extends DataServices {}
}

export function createDataServices(deps: ModuleDeps): DataServices {
  const dataMappings = new MappingService(deps);
  return { data: new DataService(deps, dataMappings), dataImports: new ImportService(deps, dataMappings), dataMappings };
}
