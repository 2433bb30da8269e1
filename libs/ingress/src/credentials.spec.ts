import type { IncomingHttpHeaders } from 'node:http';
import { credentialOf } from './credentials';

describe(credentialOf.name, () => {
  it.each<[string, IncomingHttpHeaders, Record<string, unknown> | undefined, string | undefined]>([
    ['a Bearer token (OpenAI SDK)', { authorization: 'Bearer sk-sy-openai' }, undefined, 'sk-sy-openai'],
    ['a bearer token in any case, trimmed', { authorization: 'bearer   sk-sy-lower  ' }, undefined, 'sk-sy-lower'],
    ['x-api-key (Anthropic SDK)', { 'x-api-key': ' sk-sy-anthropic ' }, undefined, 'sk-sy-anthropic'],
    ['x-goog-api-key (Gemini SDK)', { 'x-goog-api-key': 'sk-sy-gemini' }, undefined, 'sk-sy-gemini'],
    ['?key= (Gemini REST)', {}, { key: 'sk-sy-query', alt: 'sse' }, 'sk-sy-query'],
    ['Bearer before x-api-key', { authorization: 'Bearer sk-sy-first', 'x-api-key': 'sk-sy-second' }, { key: 'sk-sy-third' }, 'sk-sy-first'],
    ['x-api-key before ?key=', { 'x-api-key': 'sk-sy-header' }, { key: 'sk-sy-query' }, 'sk-sy-header'],
    ['a non-bearer scheme as nothing', { authorization: 'Basic dXNlcjpwYXNz' }, undefined, undefined],
    ['a bare "Bearer " as nothing', { authorization: 'Bearer ' }, undefined, undefined],
    ['an empty x-api-key as nothing', { 'x-api-key': '' }, {}, undefined],
    ['a repeated ?key= as nothing', {}, { key: ['a', 'b'] }, undefined],
    ['no credential as nothing', {}, undefined, undefined],
  ])('reads %s', (_what, headers, query, key) => {
    expect(credentialOf(headers, query)).toBe(key);
  });
});
