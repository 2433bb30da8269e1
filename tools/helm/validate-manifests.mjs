// Validates rendered Kubernetes manifests against Kubernetes' own schemas (kubernetes-models; the
// prometheus-operator and Gateway API CRDs from their @kubernetes-models packages). An object of a
// kind no package knows is an error, so nothing passes unchecked.
// Usage: helm template … | node tools/helm/validate-manifests.mjs      (or a file as argument)
// Prints one JSON line per object ({ kind, name, errors }) and exits 1 when any is invalid.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The package module holding the models of an apiVersion. */
function modulePathOf(apiVersion) {
  if (!apiVersion.includes('/')) return `kubernetes-models/${apiVersion}`;
  const [group] = apiVersion.split('/');
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/${apiVersion}`;
  if (group === 'gateway.networking.k8s.io') return `@kubernetes-models/gateway-api/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

/** Validation problems of each object, in order. */
export async function validateManifests(text) {
  const results = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      results.push({ kind: '?', name: '?', errors: doc.errors.map((e) => e.message) });
      continue;
    }
    const obj = doc.toJSON();
    if (obj === null || obj === undefined) continue;
    const kind = obj.kind ?? '?';
    const name = obj.metadata?.name ?? '?';
    let Model;
    try {
      Model = (await import(modulePathOf(String(obj.apiVersion))))[kind];
    } catch {
      Model = undefined;
    }
    if (typeof Model !== 'function') {
      results.push({ kind, name, errors: [`no schema known for ${obj.apiVersion} ${kind}`] });
      continue;
    }
    try {
      new Model(obj).validate();
      results.push({ kind, name, errors: [] });
    } catch (err) {
      results.push({ kind, name, errors: [err instanceof Error ? err.message : String(err)] });
    }
  }
  return results;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = readFileSync(process.argv[2] ?? 0, 'utf8');
  const results = await validateManifests(text);
  for (const r of results) console.log(JSON.stringify(r));
  process.exit(results.some((r) => r.errors.length) ? 1 : 0);
}
