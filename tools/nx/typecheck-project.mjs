// Type-checks one project's production sources (no specs) with the workspace's compiler
// options: the compile step of a project's `build` target. Libraries are bundled into the apps
// from source (tools/build.mjs), so this check is all a library's build has to do.
// Usage: node tools/nx/typecheck-project.mjs <projectRoot>
import ts from 'typescript';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspace = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const projectRoot = process.argv[2];
if (!projectRoot) throw new Error('usage: node tools/nx/typecheck-project.mjs <projectRoot>');

// A project with its own tsconfig.json (the browser console: DOM and JSX) is checked by it.
const ownPath = resolve(workspace, projectRoot, 'tsconfig.json');
const { options, files } = ts.sys.fileExists(ownPath) ? ownProject(ownPath) : workspaceProject();
const program = ts.createProgram(files, { ...options, noEmit: true });
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length) fail(diagnostics);
console.log(`${projectRoot}: ${files.length} files type-check`);

function workspaceProject() {
  const basePath = resolve(workspace, 'tsconfig.base.json');
  const { config, error } = ts.readConfigFile(basePath, ts.sys.readFile);
  if (error) fail([error]);
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.compilerOptions, workspace, basePath);
  if (errors.length) fail(errors);
  return { options, files: ts.sys.readDirectory(resolve(workspace, projectRoot, 'src'), ['.ts'], ['**/*.spec.ts']) };
}

function ownProject(path) {
  const parsed = ts.getParsedCommandLineOfConfigFile(path, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
  if (parsed.errors.length) fail(parsed.errors);
  return { options: parsed.options, files: parsed.fileNames.filter((f) => !/\.spec\.tsx?$/.test(f)) };
}

function fail(diags) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => workspace, getNewLine: () => '\n' };
  console.error(ts.formatDiagnosticsWithColorAndContext(diags, host));
  process.exit(1);
}
