// Non-streaming load: autocannon drives N keep-alive connections for a fixed time. Its result
// histogram only resolves whole milliseconds, so the exact per-request times (autocannon
// measures each with process.hrtime) are taken from its 'response' events instead.
import autocannon from 'autocannon';
import { Samples } from './stats.mjs';

// Non-empty generated text in an answer of each wire: an OpenAI chat completion, an Anthropic message.
const HAS_CONTENT = { openai: /"content":"[^"]/, anthropic: /"type":"text","text":"[^"]/ };

// A request slower than this is a failure, not a data point; bounded like the whole run.
const REQUEST_TIMEOUT_S = 10;

/**
 * One fixed-time pass at `connections` concurrency. Returns throughput, exact latency
 * percentiles and every kind of failure autocannon saw.
 */
export async function runHttpPass({ url, headers, body, wire = 'openai', connections, seconds }) {
  const hasContent = HAS_CONTENT[wire];
  const latency = new Samples();
  const statusCodes = {};
  const examples = [];
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url,
    method: 'POST',
    headers,
    body,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: REQUEST_TIMEOUT_S,
    // Every answer must carry generated text; the first few that do not are kept to show why.
    verifyBody: (text) => {
      if (hasContent.test(text)) return true;
      if (examples.length < 3) examples.push(text.slice(0, 300));
      return false;
    },
  });
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) latency.push(responseTimeMs);
  });
  const result = await instance;
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const ok = latency.size;
  return {
    requests: ok,
    seconds: elapsedS,
    rps: ok / elapsedS,
    latencyMs: latency.summary(),
    failures: {
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      mismatches: result.mismatches,
      examples,
      statusCodes: Object.fromEntries(Object.entries(statusCodes).filter(([code]) => !code.startsWith('2'))),
    },
  };
}
