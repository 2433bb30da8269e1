import { FUZZ_SEED, hostileString } from '@switchyard/testing';
import fc from 'fast-check';
import { dataRoute, renderErrorForPath } from './dialect-registry';
import { Dialect } from '@switchyard/ir';
import { missingKey } from './ingress-errors';

// The data-path router reads the URL before anything else (issue 10 fuzz suite): whatever the
// path and query, it answers a route or "not a data path", never an exception, and the model
// it takes from a Gemini path is the decoded segment.

const RUNS = { seed: FUZZ_SEED, numRuns: 500 };

const percent = fc.oneof(fc.constantFrom('%00', '%ZZ', '%', '%E0%A4%A', '%F0%9F%98%80', '%2F', '%3A', '%ud800'), hostileString);
const segment = fc.array(percent, { maxLength: 4 }).map((parts) => parts.join(''));
const method = fc.oneof(fc.constantFrom('generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents', 'constructor', 'toString'), hostileString);
const pathname = fc.oneof(
  fc.tuple(fc.constantFrom('/v1beta/models/', '/v1/models/'), segment, method).map(([p, m, op]) => `${p}${m}:${op}`),
  hostileString.map((s) => `/${s}`),
);

describe('dataRoute under fuzzing', () => {
  it('answers any path and query with a route or undefined, never an exception', () => {
    fc.assert(
      fc.property(pathname, hostileString, (path, search) => {
        const route = dataRoute(path, search);
        if (route && route.op !== 'reject' && 'path' in route && route.path.model !== undefined) expect(typeof route.path.model).toBe('string');
        expect(renderErrorForPath(path, missingKey(Dialect.DIALECT_OPENAI)).status).toBe(401);
      }),
      RUNS,
    );
  });
});
