import type { OutgoingHttpHeaders } from 'node:http';
import type { ProviderWire, StreamFrame } from './provider-wire.types';
import type { ResponseChannel } from './response-channel';
import type { SimulatedError, SimulatorScenario } from './simulator-scenario.types';

type FaultKind = 'cut' | 'garbage' | 'stall' | 'error';
interface Fault {
  readonly kind: FaultKind;
  readonly after: number;
  readonly error?: SimulatedError;
}

/** Sends a JSON answer, or the scenario's fault in its non-streaming form. */
export function playJson(channel: ResponseChannel, headers: OutgoingHttpHeaders, body: string, scenario: SimulatorScenario): void {
  const { res } = channel;
  const fault = pickFault(scenario, false);
  if (!fault) {
    headers['content-length'] = Buffer.byteLength(body);
    res.writeHead(200, headers);
    res.end(body);
    return;
  }
  const half = body.slice(0, Math.floor(body.length / 2));
  switch (fault.kind) {
    case 'stall':
      headers['content-length'] = Buffer.byteLength(body);
      res.writeHead(200, headers);
      res.flushHeaders();
      return;
    case 'cut':
      headers['content-length'] = Buffer.byteLength(body);
      res.writeHead(200, headers);
      channel.cutAfter(half);
      return;
    case 'garbage':
      headers['content-length'] = Buffer.byteLength(half);
      res.writeHead(200, headers);
      res.end(half);
      return;
    case 'error':
      return; // pickFault never returns an in-stream error for JSON requests.
  }
}

/** Streams the frames with the scenario's pacing, stopping at its fault if it has one. */
export async function playStream(
  channel: ResponseChannel,
  headers: OutgoingHttpHeaders,
  frames: readonly StreamFrame[],
  scenario: SimulatorScenario,
  wire: ProviderWire,
): Promise<void> {
  const { res } = channel;
  if (scenario.endless) {
    await playEndless(channel, headers, frames, scenario.endless);
    return;
  }
  const fault = pickFault(scenario, true);
  const stop = fault ? faultPosition(frames, fault.after) : frames.length;
  const delay = scenario.chunkDelayMs ?? 0;
  res.writeHead(200, headers);
  let pending = '';
  let deltas = 0;
  for (let i = 0; i < stop; i++) {
    const frame = frames[i];
    if (delay > 0 && frame.delta && deltas++ > 0) {
      res.write(pending);
      pending = '';
      if (!(await channel.sleep(delay))) return;
    }
    pending += frame.data;
  }
  if (!fault) {
    res.end(pending);
    return;
  }
  switch (fault.kind) {
    case 'stall':
      if (pending === '') res.flushHeaders();
      else res.write(pending);
      return;
    case 'cut':
      channel.cutAfter(pending);
      return;
    case 'garbage':
      res.end(pending + wire.garbage);
      return;
    case 'error':
      res.end(pending + (fault.error ? wire.streamError(fault.error, stop) : ''));
      return;
  }
}

// 16 KiB per write: big enough to flood a reader quickly, small enough to stay a socket write.
const ENDLESS_WRITE_CHARS = 16 * 1024;

/** The opening frames, then the first delta again and again (or one unending line) until the client leaves. */
async function playEndless(channel: ResponseChannel, headers: OutgoingHttpHeaders, frames: readonly StreamFrame[], mode: 'deltas' | 'line'): Promise<void> {
  const { res } = channel;
  const first = frames.findIndex((f) => f.delta);
  const opening = frames.slice(0, first < 0 ? 1 : first).map((f) => f.data).join('');
  const delta = first < 0 ? '' : frames[first].data;
  res.writeHead(200, headers);
  res.write(opening);
  let block: string;
  if (mode === 'line' || delta === '') {
    res.write('data: ');
    block = 'x'.repeat(ENDLESS_WRITE_CHARS);
  } else {
    block = delta.repeat(Math.max(1, Math.floor(ENDLESS_WRITE_CHARS / delta.length)));
  }
  while (channel.open) {
    if (!res.write(block) && !(await channel.drained())) return;
  }
}

/** Sends the scenario's HTTP error in the provider's shape (or the scenario's own body). */
export function playError(
  channel: ResponseChannel,
  headers: OutgoingHttpHeaders,
  error: SimulatedError,
  wire: ProviderWire,
  requestId: string,
): void {
  const custom = error.body;
  const body = typeof custom === 'string' ? custom : JSON.stringify(custom ?? wire.errorBody(error, requestId));
  headers['content-type'] = typeof custom === 'string' ? 'text/plain; charset=utf-8' : wire.jsonContentType;
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  Object.assign(headers, error.headers);
  headers['content-length'] = Buffer.byteLength(body);
  channel.res.writeHead(error.status, headers);
  channel.res.end(body);
}

// One fault per answer; when a scenario sets several, the first of cut, garbage, stall, error wins.
function pickFault(s: SimulatorScenario, streaming: boolean): Fault | undefined {
  if (s.cutAfterChunks !== undefined) return { kind: 'cut', after: s.cutAfterChunks };
  if (s.garbageAfterChunks !== undefined) return { kind: 'garbage', after: s.garbageAfterChunks };
  if (s.stallAfterChunks !== undefined) return { kind: 'stall', after: s.stallAfterChunks };
  if (streaming && s.error?.afterChunks !== undefined) return { kind: 'error', after: s.error.afterChunks, error: s.error };
  return undefined;
}

/**
 * Index of the first frame not to send: the (after+1)-th delta, or, when there are fewer
 * deltas, the first closing frame after the last one, so a faulty stream never completes.
 */
function faultPosition(frames: readonly StreamFrame[], after: number): number {
  let seen = 0;
  let lastDelta = -1;
  for (let i = 0; i < frames.length; i++) {
    if (!frames[i].delta) continue;
    if (seen++ === after) return i;
    lastDelta = i;
  }
  return lastDelta === -1 ? Math.min(1, frames.length - 1) : lastDelta + 1;
}
