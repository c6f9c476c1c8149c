import type { Hub } from './app.js';

/** What a person needs after `npm start`: where it runs, the admin key, and what to try first. */
export function printBanner(hub: Hub, url: string, extraLines: string[] = []): void {
  const lines = [
    '',
    `  SmartWealth Hub is running at ${url}`,
    `  API docs:        ${url}/docs   (OpenAPI: ${url}/openapi.json)`,
    `  Database:        ${hub.databaseKind}${hub.databaseKind === 'emulator' ? ' (built-in emulator; set MONGODB_URI for a real MongoDB)' : ''}`,
    hub.adminKeyIsLocal
      ? `  Admin API key:   ${hub.adminApiKey}   (kept in ${hub.config.DATA_DIR}/admin-api-key)`
      : '  Admin API key:   from ADMIN_API_KEY',
    ...extraLines,
    '',
    '  Try it:',
    `    curl -s -X POST ${url}/api/users -H "Authorization: Bearer <admin key>" -H "Content-Type: application/json" -d '{"name":"Siti"}'`,
    `    curl -s ${url}/api/users/me -H "Authorization: Bearer <the user's apiKey>"`,
    '',
    '  Chat with it:',
    '    npm run chat          (in another terminal: /help, /pay 75rb qris kopi, /rates, /accounts)',
    '    or the Telegram and Slack sandbox pages above, in a browser',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
