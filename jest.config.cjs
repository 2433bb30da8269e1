// One Jest run for the whole tree: fast unit specs next to the code, and end-to-end
// specs (real processes, Postgres, Redis) run one file at a time.
const { readFileSync } = require('node:fs');
const swc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const { compilerOptions } = require('./tsconfig.base.json');

// A wildcard path (a package's subpath exports, which TypeScript's node10 resolution cannot
// read) is for the compiler only: Jest reads package exports itself.
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).filter(([alias]) => !alias.includes('*')).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);
const transform = { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] };
const common = { rootDir: __dirname, testEnvironment: 'node', transform, moduleNameMapper, setupFiles: ['reflect-metadata'] };

module.exports = {
  reporters: ['default', '<rootDir>/tools/jest-summary.reporter.cjs'],
  // End-to-end specs start real processes; Jest reads this option only at the top level.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,deploy}/**/*.spec.ts'], testPathIgnorePatterns: ['/test/'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e.spec.ts', '<rootDir>/apps/*/test/**/*.spec.ts', '<rootDir>/libs/*/test/**/*.spec.ts'] },
  ],
};
