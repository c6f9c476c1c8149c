/**
 * The layering of DESIGN §2, enforced (npm test runs it through test/layering.test.ts; `npm run depcheck` alone).
 * Adapters (REST routes, chat, webhook intakes, jobs) call services; services call providers and models; nothing
 * below an adapter reaches up into one. Only the composition root imports the simulators, and only the database
 * connection imports the emulator.
 */
const ADAPTER = '(^src/api/|^bots/|^webhooks/|^jobs/|^src/modules/[^/]+/(api|bots|webhooks|jobs)/)';
const DOMAIN = '(^src/services/|^src/modules/[^/]+/(services|providers|models)/|^src/db/models/|^src/lib/)';
const TESTS = '(\\.test\\.ts$|^test/|^bench/)';

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-adapter',
      comment: 'A service, provider, model or lib file imports an adapter (api, bots, webhooks, jobs). Move the shared piece down into a service.',
      severity: 'error',
      from: { path: DOMAIN, pathNot: TESTS },
      to: { path: ADAPTER, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-imports-adapter-types',
      comment: 'Types too: a service must not depend on how an adapter is shaped.',
      severity: 'error',
      from: { path: DOMAIN, pathNot: TESTS },
      to: { path: ADAPTER },
    },
    {
      name: 'only-the-root-imports-sandbox',
      comment: 'Simulators are reached only through sandbox/registry.ts from the composition root (and from tests).',
      severity: 'error',
      from: { path: '^(src|bots|webhooks|jobs)/', pathNot: `(^src/app\\.ts$|^src/composition/|${TESTS})` },
      to: { path: '^sandbox/' },
    },
    {
      name: 'only-the-connection-imports-emulator',
      comment: 'The emulator is reached only through the database connection strategy.',
      severity: 'error',
      from: { pathNot: `(^emulator/|^src/db/connection\\.ts$|${TESTS})` },
      to: { path: '^emulator/' },
    },
    {
      name: 'emulator-is-self-contained',
      comment: 'The emulator imports only bson, mingo, one ordered-map package and Node.',
      severity: 'error',
      from: { path: '^emulator/', pathNot: TESTS },
      to: { dependencyTypes: ['local', 'aliased-subpath-import'], pathNot: '^emulator/' },
    },
    {
      name: 'webhook-intake-imports-rest-layer',
      comment: 'Webhook intakes share HTTP helpers through src/http/, never through the REST layer.',
      severity: 'error',
      from: { path: '(^webhooks/|^src/modules/[^/]+/webhooks/)' },
      to: { path: '(^src/api/|^src/modules/[^/]+/api/)' },
    },
    {
      name: 'no-sandbox-in-production-paths-of-modules',
      comment: 'Nothing inside a capability module imports a simulator.',
      severity: 'error',
      from: { path: '^src/modules/', pathNot: TESTS },
      to: { path: '^sandbox/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^node_modules|^dist/|^data/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
