import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Packages that pure code (IR, dialects, providers, shared helpers) must never touch:
// they keep translation testable without servers, databases or networks.
const transportAndStorage = [
  '@nestjs/*', '@prisma/*', '@grpc/*', 'bullmq', 'ioredis', 'undici', 'pg',
  'fastify', '@electric-sql/*', 'pglite-prisma-adapter',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'data/**', 'coverage/**', '**/generated/**', '.nx/**', 'tmp/**'] },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Layers: apps compose features; features use domain, infrastructure and data; the
            // domain is plain code. Nothing depends on an app, and only tests (rule off below)
            // reach type:testing.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:infra', 'type:data', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:data', 'type:util'] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:util'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:infra'] },
            // The root project: build, cluster, bench and end-to-end tooling, which use any lib.
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:infra', 'type:data', 'type:util', 'type:testing'] },
            // Scopes: a service (app + feature lib) sees its own scope, shared infrastructure and
            // pure code, never another service's feature.
            { sourceTag: 'scope:auth', onlyDependOnLibsWithTags: ['scope:auth', 'scope:shared', 'scope:pure'] },
            { sourceTag: 'scope:router', onlyDependOnLibsWithTags: ['scope:router', 'scope:shared', 'scope:pure'] },
            // Billing hosts the cluster's batch worker (issue 17): it owns the queues' consumers and the ledger.
            { sourceTag: 'scope:billing', onlyDependOnLibsWithTags: ['scope:billing', 'scope:batches', 'scope:shared', 'scope:pure'] },
            { sourceTag: 'scope:admin', onlyDependOnLibsWithTags: ['scope:admin', 'scope:shared', 'scope:pure'] },
            // Files and batches (issue 17): the tenant's /v1/files and /v1/batches and the batch
            // worker, which reach the data path only through the AuthPort and RouterPort.
            { sourceTag: 'scope:batches', onlyDependOnLibsWithTags: ['scope:batches', 'scope:shared', 'scope:pure'] },
            // The public edge and the upstream callers never read the database directly.
            { sourceTag: 'scope:adapter', onlyDependOnLibsWithTags: ['scope:adapter', 'scope:shared', 'scope:pure'], notDependOnLibsWithTags: ['type:data'] },
            { sourceTag: 'scope:ingress', onlyDependOnLibsWithTags: ['scope:ingress', 'scope:shared', 'scope:pure'], notDependOnLibsWithTags: ['type:data'] },
            // The cluster ingress process (apps/ingress) mounts the tenant API (scope:ingress) and
            // the operator API (scope:admin, with the ledger's usage queries) on one HTTP server, and
            // admits keys with nothing to count from a copy of auth's key directory (scope:auth's
            // LocalAdmission, issue 11); the admin API, stored Responses answers and the files and
            // batches API are the parts of it that write the database; the tenant API itself
            // (libs/ingress) never reads it (docs/architecture.md §3, §8).
            { sourceTag: 'scope:edge', onlyDependOnLibsWithTags: ['scope:ingress', 'scope:admin', 'scope:auth', 'scope:billing', 'scope:batches', 'scope:shared', 'scope:pure'] },
            // Standalone runs every service in one process.
            { sourceTag: 'scope:standalone', onlyDependOnLibsWithTags: ['scope:ingress', 'scope:admin', 'scope:auth', 'scope:router', 'scope:adapter', 'scope:billing', 'scope:batches', 'scope:shared', 'scope:pure'] },
            // The web console runs in a browser and reaches the gateway only over HTTP (the admin API):
            // it imports no lib and nothing that needs a server.
            { sourceTag: 'scope:console', onlyDependOnLibsWithTags: [], bannedExternalImports: [...transportAndStorage, 'node:*'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:pure'] },
            { sourceTag: 'scope:pure', onlyDependOnLibsWithTags: ['scope:pure'], bannedExternalImports: transportAndStorage },
          ],
        },
      ],
    },
  },
  {
    // Tests may use the simulator and fixtures from anywhere.
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // CommonJS config files (Jest) load their settings with require().
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
