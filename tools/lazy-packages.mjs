// An esbuild plugin for packages a bundle may never use: each import of one resolves to a
// stand-in whose exports are getters, and the first export read requires the real package. The
// standalone server uses it for Redis and BullMQ, which it needs only when REDIS_URL is set;
// loading both at start cost its idle heap some 10 MB (docs/architecture.md §7, "fifth round").
// The export names are read from the installed package at build time.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const NAMESPACE = 'lazy-package';

export function lazyPackagesPlugin(packages) {
  const filter = new RegExp(`^(${packages.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
  return {
    name: 'lazy-packages',
    setup(b) {
      // The stand-in's own require of the package stays external: that is the real one.
      b.onResolve({ filter }, (args) => (args.namespace === NAMESPACE ? { path: args.path, external: true } : { path: args.path, namespace: NAMESPACE }));
      b.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ contents: standIn(args.path), loader: 'js' }));
    },
  };
}

function standIn(name) {
  const real = require(name);
  const id = JSON.stringify(name);
  return [
    'let loaded;',
    `const load = () => (loaded ??= require(${id}));`,
    ...(real.__esModule ? ["Object.defineProperty(exports, '__esModule', { value: true });"] : []),
    ...Object.keys(real).map((key) => `Object.defineProperty(exports, ${JSON.stringify(key)}, { enumerable: true, get: () => load()[${JSON.stringify(key)}] });`),
  ].join('\n');
}
