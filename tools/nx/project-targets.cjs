// Nx plugin (local, offline): gives every project under apps/ and libs/ the same three targets,
// so a project's project.json only names it and tags it. Their shared settings (inputs,
// caching, order) are in nx.json's targetDefaults; the root project.json has its own.
//   build  the compile check of the project's sources (tools/nx/typecheck-project.mjs); for an
//          app also its bundle in dist/apps/<name> (tools/build.mjs, the build engine)
//   lint   ESLint on the project's folder, with the module-boundary rule (eslint.config.mjs)
//   test   Jest on the project's specs, unit and end-to-end (jest.config.cjs)
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const createNodes = [
  '{apps,libs}/*/project.json',
  (files, _options, context) =>
    files.map((file) => {
      const root = dirname(file);
      const project = JSON.parse(readFileSync(join(context.workspaceRoot, file), 'utf8'));
      const typecheck = 'node tools/nx/typecheck-project.mjs {projectRoot}';
      const build =
        project.projectType === 'application'
          ? {
              command: `${typecheck} && node tools/build.mjs ${project.name}`,
              outputs: [`{workspaceRoot}/dist/apps/${project.name}`],
              // tools/build.mjs also refreshes dist/prisma/migrations, which a cache hit would not restore.
              cache: false,
            }
          : { command: typecheck, cache: true };
      return [
        file,
        {
          projects: {
            [root]: {
              targets: {
                build,
                lint: { command: 'eslint --max-warnings 0 {projectRoot}' },
                test: { command: 'jest --ci --passWithNoTests {projectRoot}/' },
              },
            },
          },
        },
      ];
    }),
];

module.exports = { name: 'switchyard-project-targets', createNodes };
