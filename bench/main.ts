import { pathToFileURL } from 'node:url';

/**
 * Runs a bench when its file is the process's entry point (npm run bench spawns each one): prints its result as
 * one JSON line and exits 0, or prints the error and exits 1. Imported from another file, it does nothing.
 */
export function runIfMain(moduleUrl: string, run: () => Promise<unknown>): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  run().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
