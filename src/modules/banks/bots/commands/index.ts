/** The bank commands this capability contributes to the chat core (bots/). */
import { accountsCommand } from './accounts.js';
import { balanceCommand } from './balance.js';
import { connectCommand } from './connect.js';
import { syncCommand } from './sync.js';
import { transactionsCommand } from './transactions.js';

export const bankChatCommands = [accountsCommand, balanceCommand, transactionsCommand, syncCommand, connectCommand];
