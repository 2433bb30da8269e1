// Streaming load: autocannon cannot see inside a response, so this is a small client of its
// own. N workers each loop "request, read the SSE stream to the end" over a keep-alive pool
// for a fixed time, timing the first `data:` event that carries content (time to first token,
// what a chat user waits for) and the whole stream.
import { Pool } from 'undici';
import { Samples, msSince } from './stats.mjs';

const REQUEST_TIMEOUT_MS = 10_000;

/** One fixed-time streaming pass at `connections` concurrency. */
export async function runStreamPass({ origin, path, headers, body, wire = 'openai', connections, seconds }) {
  const pool = new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
  });
  const ttft = new Samples();
  const total = new Samples();
  const failures = { non2xx: 0, errors: 0, noContent: 0, noDone: 0, statusCodes: {}, examples: [] };
  const payload = Buffer.from(body);
  const started = process.hrtime.bigint();
  const deadline = Date.now() + seconds * 1000;

  const fail = (kind, detail) => {
    failures[kind]++;
    if (failures.examples.length < 3) failures.examples.push(`${kind}: ${detail}`.slice(0, 300));
  };

  const worker = async () => {
    while (Date.now() < deadline) {
      const t0 = process.hrtime.bigint();
      try {
        const res = await pool.request({ path, method: 'POST', headers, body: payload });
        if (res.statusCode < 200 || res.statusCode >= 300) {
          failures.statusCodes[res.statusCode] = (failures.statusCodes[res.statusCode] ?? 0) + 1;
          fail('non2xx', `${res.statusCode} ${await res.body.text()}`);
          continue;
        }
        const seen = await readEvents(res.body, t0, wire);
        if (seen.firstContentMs === null) fail('noContent', 'stream ended without a content delta');
        else if (!seen.done) fail('noDone', `stream ended without its end marker (${END_MARKERS[wire]})`);
        else {
          ttft.push(seen.firstContentMs);
          total.push(msSince(t0));
        }
      } catch (err) {
        fail('errors', err?.message ?? String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  await pool.close();
  return {
    requests: total.size,
    seconds: elapsedS,
    rps: total.size / elapsedS,
    ttftMs: ttft.summary(),
    latencyMs: total.summary(),
    failures,
  };
}

// What ends a stream on each wire: OpenAI's sentinel, Anthropic's last event.
const END_MARKERS = { openai: 'data: [DONE]', anthropic: 'event: message_stop' };

/** True when `text` (a whole SSE body, or its complete lines so far) holds the wire's end marker. */
export function streamEnded(text, wire = 'openai') {
  return text.includes(END_MARKERS[wire]);
}

/**
 * Reads an SSE body (OpenAI or Anthropic wire) to its end. Parses `data:` lines only until the
 * first one with content: after that the stream is just drained, so the client spends its CPU
 * on the gateway's behalf as little as possible.
 */
async function readEvents(body, t0, wire) {
  const marker = END_MARKERS[wire];
  let firstContentMs = null;
  let done = false;
  let pending = '';
  for await (const chunk of body) {
    const text = pending + chunk.toString('utf8');
    const cut = text.lastIndexOf('\n');
    pending = cut === -1 ? text : text.slice(cut + 1);
    if (cut === -1) continue;
    const complete = text.slice(0, cut);
    if (firstContentMs === null) {
      for (const line of complete.split('\n')) {
        if (!line.startsWith('data:') || line.includes('[DONE]')) continue;
        if (hasContent(line.slice(5), wire)) {
          firstContentMs = msSince(t0);
          break;
        }
      }
    }
    if (complete.includes(marker)) done = true;
  }
  if (pending.startsWith(marker)) done = true;
  return { firstContentMs, done };
}

/** True when an SSE `data:` payload is a chunk carrying non-empty generated text. */
export function hasContent(json, wire = 'openai') {
  try {
    const chunk = JSON.parse(json);
    const content = wire === 'anthropic' ? (chunk?.type === 'content_block_delta' ? chunk.delta?.text : undefined) : chunk?.choices?.[0]?.delta?.content;
    return typeof content === 'string' && content.length > 0;
  } catch {
    return false;
  }
}
