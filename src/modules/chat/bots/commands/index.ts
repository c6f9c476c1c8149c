/** The chat module's own commands (identity and settings); each capability brings its own in its bots/commands/. */
import { helpCommand } from './help.js';
import { linkCommand } from './link.js';
import { settingsCommand } from './settings.js';
import { startCommand } from './start.js';
import { unlinkCommand } from './unlink.js';

export const chatCommands = [startCommand, helpCommand, linkCommand, unlinkCommand, settingsCommand];
