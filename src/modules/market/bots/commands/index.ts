/** The market commands this capability contributes to the chat core. */
import { convertCommand } from './convert.js';
import { marketCommand } from './market.js';
import { newsCommand } from './news.js';
import { portfolioCommand } from './portfolio.js';
import { ratesCommand } from './rates.js';
import { stockCommand } from './stock.js';
import { weatherCommand } from './weather.js';

export const marketChatCommands = [ratesCommand, convertCommand, stockCommand, portfolioCommand, weatherCommand, newsCommand, marketCommand];
