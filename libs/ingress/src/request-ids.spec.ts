import type { IncomingHttpHeaders } from 'node:http';
import { ServerResponse, IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { ANTHROPIC_REQUEST_ID_HEADER, CLIENT_REQUEST_ID_HEADER, REQUEST_ID_HEADER, clientRequestIdOf, stampRequestIds } from './request-ids';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

describe(clientRequestIdOf.name, () => {
  it.each<[string, IncomingHttpHeaders, string | undefined]>([
    ['x-client-request-id (OpenAI documents it)', { 'x-client-request-id': 'req_7f3a9c' }, 'req_7f3a9c'],
    ['x-client-request-id before x-request-id', { 'x-client-request-id': 'mine', 'x-request-id': 'theirs' }, 'mine'],
    ['x-request-id when no x-client-request-id', { 'x-request-id': 'b3c5-41d2.9' }, 'b3c5-41d2.9'],
    ['a sane x-request-id when x-client-request-id is not sane', { 'x-client-request-id': 'a b', 'x-request-id': 'ok' }, 'ok'],
    ['512 visible ASCII characters', { 'x-client-request-id': 'x'.repeat(512) }, 'x'.repeat(512)],
    ['punctuation OpenAI allows', { 'x-client-request-id': 'trace:1/2=a+b@c' }, 'trace:1/2=a+b@c'],
    ['nothing without a header', {}, undefined],
    ['nothing for an empty id', { 'x-request-id': '' }, undefined],
    ['nothing for an id with spaces', { 'x-request-id': 'req 1' }, undefined],
    ['nothing for an id with a newline', { 'x-client-request-id': 'req\n1' }, undefined],
    ['nothing for a NUL', { 'x-client-request-id': 'req\u00001' }, undefined],
    ['nothing for non-ASCII', { 'x-client-request-id': 'reqé' }, undefined],
    ['nothing for an id over 512 characters', { 'x-client-request-id': 'x'.repeat(513) }, undefined],
  ])('reads %s', (_what, headers, id) => {
    expect(clientRequestIdOf(headers)).toBe(id);
  });
});

describe(stampRequestIds.name, () => {
  it('mints our own id whatever the caller sent, and keeps the caller id apart', () => {
    const res = response();
    const ids = stampRequestIds({ 'x-request-id': 'victim-request-1' }, res);
    expect(ids.requestId).toMatch(UUID);
    expect(ids.requestId).not.toBe('victim-request-1');
    expect(ids.clientRequestId).toBe('victim-request-1');
    expect(res.getHeader(REQUEST_ID_HEADER)).toBe(ids.requestId);
    expect(res.getHeader(CLIENT_REQUEST_ID_HEADER)).toBe('victim-request-1');
  });

  it('also names our id request-id for Anthropic clients, whose SDKs read it there', () => {
    const anthropic = response();
    const ids = stampRequestIds({ 'anthropic-version': '2023-06-01' }, anthropic);
    expect(anthropic.getHeader(ANTHROPIC_REQUEST_ID_HEADER)).toBe(ids.requestId);
    const openai = response();
    stampRequestIds({}, openai);
    expect(openai.hasHeader(ANTHROPIC_REQUEST_ID_HEADER)).toBe(false);
  });

  it('gives two requests with one caller id two different ids', () => {
    const headers = { 'x-client-request-id': 'same' };
    const a = stampRequestIds(headers, response());
    const b = stampRequestIds(headers, response());
    expect(a.requestId).not.toBe(b.requestId);
    expect([a.clientRequestId, b.clientRequestId]).toEqual(['same', 'same']);
  });

  it('echoes nothing when the caller sent no usable id', () => {
    const res = response();
    const ids = stampRequestIds({ 'x-request-id': 'bad id' }, res);
    expect(ids.clientRequestId).toBeUndefined();
    expect(res.hasHeader(CLIENT_REQUEST_ID_HEADER)).toBe(false);
    expect(res.getHeader(REQUEST_ID_HEADER)).toMatch(UUID);
  });
});
