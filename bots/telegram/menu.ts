/** The command menu Telegram shows next to the input box: one list per language (default = Indonesian). */
import type { ChatCommand } from '../core/command.js';
import type { Language } from '../core/locale.js';

export interface MenuCommand {
  command: string;
  description: string;
}

export function menuCommands(commands: readonly ChatCommand[], language: Language): MenuCommand[] {
  return commands
    .filter((c) => !c.hidden)
    .slice(0, 100)
    .map((c) => ({ command: c.name, description: c.description[language].slice(0, 256) }));
}

/** setMyCommands calls: Indonesian as the default list, English for clients set to English. */
export function menuCalls(commands: readonly ChatCommand[]): { commands: MenuCommand[]; language_code?: string }[] {
  return [{ commands: menuCommands(commands, 'id') }, { commands: menuCommands(commands, 'en'), language_code: 'en' }];
}
