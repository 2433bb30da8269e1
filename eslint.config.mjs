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
    files: ['**/*.ts'],
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
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:infra', 'type:data', 'type:util'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:data', 'type:util'] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:util'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:infra'] },
            // The public edge and the upstream callers never read the database directly.
            { sourceTag: 'scope:ingress', notDependOnLibsWithTags: ['type:data'] },
            { sourceTag: 'scope:adapter', notDependOnLibsWithTags: ['type:data'] },
            { sourceTag: 'scope:pure', bannedExternalImports: transportAndStorage },
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
