import type { ModuleDeps } from '../../contract.js';
import { DataService } from './data-service.js';

export interface DataServices {
  data: DataService;
}

declare module '../../../services/registry.js' {
  interface Services extends DataServices {}
}

export function createDataServices(deps: ModuleDeps): DataServices {
  return { data: new DataService(deps) };
}
