import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const MIGRATIONS_DIR_ENV = 'SWITCHYARD_MIGRATIONS_DIR';

// From the source tree (jest, ts) the walk up from libs/db/src meets prisma/migrations at the
// root; from a bundle (dist/apps/<app>/main.js) it meets dist/prisma/migrations, which
// tools/build.mjs copies there.
const CANDIDATES = [join('prisma', 'migrations'), join('dist', 'prisma', 'migrations')];

/**
 * The folder of committed Prisma migrations: $SWITCHYARD_MIGRATIONS_DIR, else the first
 * prisma/migrations or dist/prisma/migrations found walking up from this module, else under
 * the working directory.
 */
export function findMigrationsDir(
  env: NodeJS.ProcessEnv = process.env,
  from: string = __dirname,
  cwd: string = process.cwd(),
): string {
  const configured = env[MIGRATIONS_DIR_ENV];
  if (configured) {
    const dir = resolve(cwd, configured);
    if (!existsSync(dir)) throw new Error(`${MIGRATIONS_DIR_ENV}: ${dir} does not exist`);
    return dir;
  }
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const found = candidateIn(dir);
    if (found) return found;
    if (dirname(dir) === dir) break;
  }
  const found = candidateIn(resolve(cwd));
  if (found) return found;
  throw new Error(
    `no prisma/migrations folder found above ${from} or in ${cwd}; set ${MIGRATIONS_DIR_ENV}`,
  );
}

function candidateIn(dir: string): string | undefined {
  return CANDIDATES.map((candidate) => join(dir, candidate)).find((path) => existsSync(path));
}
