// The access line's cost per request (issue 13): AccessLog.write through the process's real
// pino logger to an asynchronous destination, against the same request with access lines off.
// Run: node tools/build.mjs access-bench && node dist/bench/access-line.js [requests]
// The destination is /dev/null, so what is measured is ours and pino's (the line's object,
// serialisation, the buffer append and the write), not a terminal's or a pipe reader's.
import { Dialect, ErrorKind, type UsageEvent } from '@switchyard/ir';
import { createProcessLogger } from '@switchyard/telemetry';
import pino from 'pino';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { AccessLog, type IncomingCall } from '@switchyard/ingress';

const N = Number(process.argv[2] ?? 200_000);
const BATCH = 1000;

const res = new ServerResponse(new IncomingMessage(new Socket()));
res.statusCode = 200;
const call: IncomingCall = {
  requestId: '1fdaa8e5-8bde-4eaf-853d-056d429a08fc',
  clientRequestId: 'client-1',
  headers: {},
  query: undefined,
  body: undefined,
  clientIp: '127.0.0.1',
  arrivedAt: performance.now(),
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
};
const admitted = { admission: { principal: { tenantId: 'acme', keyId: 'k_0123456789' } }, model: 'gpt-4o-mini' };
const event: UsageEvent = {
  requestId: call.requestId,
  tenantId: 'acme',
  keyId: 'k_0123456789',
  model: 'gpt-4o-mini',
  providerId: 'openai',
  deploymentId: 'openai-eu-1',
  upstreamModel: 'gpt-4o-mini-2024-07-18',
  dialect: Dialect.DIALECT_OPENAI,
  stream: false,
  status: 'ok',
  httpStatus: 200,
  errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED,
  usage: { inputTokens: 1234, outputTokens: 321, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 },
  latencyMs: 812,
  ttftMs: 0,
  region: 'eu',
  startedAt: Date.now(),
  finishedAt: Date.now(),
  cacheHit: false,
  attempts: 1,
  clientRequestId: 'client-1',
};

/**
 * CPU time (user + system) per call, not wall time: on a shared machine the wall clock counts
 * other processes' turns too. Calls run in batches with a turn of the event loop between them,
 * so the asynchronous destination writes as it would between requests (in this process, so its
 * writes are counted).
 */
async function cpuPerCall(label: string, fn: () => void): Promise<number> {
  const turn = () => new Promise<void>((r) => setImmediate(r));
  for (let i = 0; i < 20_000; i++) fn();
  await turn();
  const start = process.cpuUsage();
  for (let done = 0; done < N; done += BATCH) {
    for (let i = 0; i < BATCH; i++) fn();
    await turn();
  }
  const used = process.cpuUsage(start);
  const ns = ((used.user + used.system) * 1000) / N;
  console.log(`${label.padEnd(48)} ${ns.toFixed(0).padStart(6)} ns CPU/request`);
  return ns;
}

async function main(): Promise<void> {
  const root = createProcessLogger({ service: 'ingress', region: 'eu', level: 'info', destination: pino.destination({ dest: '/dev/null', sync: false }) });
  const on = new AccessLog(root.child({ kind: 'access' }));
  const off = undefined as AccessLog | undefined;
  const none = await cpuPerCall('access lines off (SWITCHYARD_ACCESS_LOG=false)', () => off?.write(call, res, 'chat', Dialect.DIALECT_OPENAI, admitted, event));
  const line = await cpuPerCall('access line of a served chat', () => on.write(call, res, 'chat', Dialect.DIALECT_OPENAI, admitted, event));
  const refused = await cpuPerCall('access line of a refusal (fewer fields)', () => on.write(call, res, 'chat', Dialect.DIALECT_GEMINI));
  const stringify = await cpuPerCall('for scale: JSON.stringify of the same line', () =>
    JSON.stringify({
      requestId: call.requestId,
      clientRequestId: call.clientRequestId,
      traceId: call.traceId,
      tenantId: admitted.admission.principal.tenantId,
      keyId: admitted.admission.principal.keyId,
      dialect: 'openai',
      operation: 'chat',
      model: admitted.model,
      provider: event.providerId,
      deployment: event.deploymentId,
      status: event.httpStatus,
      tokensIn: event.usage?.inputTokens,
      tokensOut: event.usage?.outputTokens,
      durationMs: Math.round(performance.now() - call.arrivedAt),
      attempts: event.attempts,
      cacheHit: event.cacheHit,
    }),
  );
  console.log(`per request: ${((line - none) / 1000).toFixed(2)} µs CPU (a refusal ${((refused - none) / 1000).toFixed(2)} µs); JSON.stringify alone ${(stringify / 1000).toFixed(2)} µs`);
}

void main();
