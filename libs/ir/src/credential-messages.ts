import { Dialect } from './generated/switchyard/ir/v1/ir';
import { familyOfDialect } from './dialect-family';
import type { ProviderFamily } from './dialect-family';

// Where a client of each family puts its key, among the places the ingress reads one
// (docs/architecture.md §1: `Authorization: Bearer`, `x-api-key`, `x-goog-api-key`, `?key=`).
// A 401 names the place the caller's own SDK uses: an Anthropic SDK sends `x-api-key` and a
// Gemini SDK `x-goog-api-key`, so "use the Authorization header" sent them looking for a header
// their client never sets. Bearer is named for Anthropic clients too because we accept it there
// and the Anthropic SDKs send it when given an auth token instead of a key.
const WHERE_THE_KEY_GOES: Readonly<Record<ProviderFamily, string>> = {
  openai: 'the Authorization header (Authorization: Bearer YOUR_KEY)',
  anthropic: 'the x-api-key header (or as Authorization: Bearer YOUR_KEY)',
  gemini: 'the x-goog-api-key header or the key query parameter',
};

function where(dialect: Dialect): string | undefined {
  const family = familyOfDialect(dialect);
  return family && WHERE_THE_KEY_GOES[family];
}

/** The 401 text for a request that presented no key, naming where `dialect`'s clients send one. */
export function missingKeyMessage(dialect: Dialect): string {
  const place = where(dialect);
  return place ? `You did not provide an API key. Send it in ${place}.` : 'You did not provide an API key.';
}

/** The 401 text for a key nobody issued, naming where `dialect`'s clients send one. */
export function unknownKeyMessage(dialect: Dialect): string {
  const place = where(dialect);
  return place ? `Incorrect API key provided. Send a valid key in ${place}.` : 'Incorrect API key provided.';
}
