/** The chat commands of the data capability: manual entries, exports (and scheduled-export delivery), statement import. */
import { catatCommand } from './catat.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';

export const dataChatCommands = [catatCommand, exportCommand, importCommand];
