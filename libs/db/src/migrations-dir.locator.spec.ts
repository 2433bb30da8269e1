import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findMigrationsDir, MIGRATIONS_DIR_ENV } from './migrations-dir.locator';

describe(findMigrationsDir.name, () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'switchyard-locator-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const dir = (...parts: string[]) => {
    const path = join(root, ...parts);
    mkdirSync(path, { recursive: true });
    return path;
  };

  it('finds the source tree migrations from libs/db/src', () => {
    expect(findMigrationsDir({})).toBe(resolve(__dirname, '../../../prisma/migrations'));
  });

  it('finds dist/prisma/migrations from a bundled app in dist/apps/<app>', () => {
    const migrations = dir('dist', 'prisma', 'migrations');
    expect(findMigrationsDir({}, dir('dist', 'apps', 'router'), dir('elsewhere'))).toBe(migrations);
  });

  it('finds dist/prisma/migrations next to a folder it walks through', () => {
    const migrations = dir('app', 'dist', 'prisma', 'migrations');
    expect(findMigrationsDir({}, dir('app', 'bin'), dir('elsewhere'))).toBe(migrations);
  });

  it('falls back to the working directory', () => {
    const migrations = dir('work', 'prisma', 'migrations');
    expect(findMigrationsDir({}, '/', join(root, 'work'))).toBe(migrations);
  });

  it('prefers the environment variable, relative to the working directory', () => {
    const migrations = dir('custom');
    expect(findMigrationsDir({ [MIGRATIONS_DIR_ENV]: 'custom' }, __dirname, root)).toBe(migrations);
  });

  it('names the variable when it points nowhere', () => {
    expect(() => findMigrationsDir({ [MIGRATIONS_DIR_ENV]: 'nope' }, __dirname, root)).toThrow(MIGRATIONS_DIR_ENV);
  });

  it('says where it looked when there is nothing to find', () => {
    expect(() => findMigrationsDir({}, '/', root)).toThrow(`no prisma/migrations folder found above / or in ${root}`);
  });
});
