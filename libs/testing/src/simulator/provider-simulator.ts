import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingCall } from './provider-wire.types';
import type { RecordedRequest } from './recorded-request.types';
import { RequestRecorder } from './request-recorder';
import { ResponseChannel } from './response-channel';
import { createHash } from 'node:crypto';
import { type MediaCall, type MediaKind, answerMedia, validateMedia } from './openai-media.endpoint';
import { modelOf, parseJson, readBody, readBytes } from './request-body';
import { playError, playJson, playStream } from './response-player';
import { ECHO_MODEL, echoOf } from './request-echo';
import { ScenarioQueue } from './scenario-queue';
import { buildTurn } from './simulated-turn';
import { type SimulatorRoute, resolveRoute } from './simulator-router';
import type { SimulatedError, SimulatorScenario } from './simulator-scenario.types';

export interface ProviderSimulatorOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Record every request (default true); a benchmark turns it off. */
  readonly record?: boolean;
  /** Oldest records are dropped beyond this many (default 10 000). */
  readonly maxRecords?: number;
  /**
   * Refuse requests the real API refuses (missing fields, unpaired tool calls, unknown
   * fields…) with the provider's 400, before any scenario is consumed. Default true.
   */
  readonly validateRequests?: boolean;
}

const NO_QUERY: Readonly<Record<string, string>> = Object.freeze({});
const NO_FAULTS: SimulatorScenario = Object.freeze({});
const INVALID_JSON: SimulatedError = { status: 400, message: 'provider simulator: the request body is not valid JSON' };
const INVALID_FORM: SimulatedError = { status: 400, type: 'invalid_request_error', message: 'provider simulator: the request body is not a valid multipart/form-data form' };
// Clients pool connections for up to a minute; Node's 5 s default would make them reconnect
// mid-benchmark. headersTimeout must exceed it (https://nodejs.org/api/http.html#serverkeepalivetimeout).
const KEEP_ALIVE_MS = 65_000;

/**
 * One HTTP server impersonating the OpenAI, Anthropic and Gemini APIs for tests, benchmarks
 * and demos: answers in each provider's documented wire format, plays scripted scenarios
 * (content, tool calls, errors, stalls, cuts) and records what it was sent.
 */
export class ProviderSimulator {
  private readonly server: Server;
  private readonly queue = new ScenarioQueue();
  private readonly recorder: RequestRecorder;
  private readonly validateRequests: boolean;
  private seq = 0;
  private closing = false;
  private boundPort = 0;
  private boundUrl = '';

  private constructor(options: ProviderSimulatorOptions) {
    this.recorder = new RequestRecorder(options.record ?? true, options.maxRecords ?? 10_000);
    this.validateRequests = options.validateRequests ?? true;
    this.server = createServer(this.onRequest);
    this.server.keepAliveTimeout = KEEP_ALIVE_MS;
    this.server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  }

  static async start(options: ProviderSimulatorOptions = {}): Promise<ProviderSimulator> {
    const simulator = new ProviderSimulator(options);
    await simulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
    return simulator;
  }

  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234. */
  get url(): string {
    return this.boundUrl;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Live view of the recorded requests, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.recorder.requests;
  }

  /** Scripted scenarios not consumed yet. */
  get pendingScenarios(): number {
    return this.queue.pending;
  }

  /** Queues a one-shot scenario for the next request matching `scenario.match`. */
  script(scenario: SimulatorScenario): void {
    this.queue.push(scenario);
  }

  /** Replaces the scenario used when no scripted one matches. */
  setDefault(scenario: SimulatorScenario): void {
    this.queue.setDefault(scenario);
  }

  /** Clears scripted scenarios, the custom default and the recordings. */
  reset(): void {
    this.queue.reset();
    this.recorder.clear();
  }

  /** Resolves with the first recorded request satisfying `predicate`, now or as records change. */
  waitFor(predicate: (request: RecordedRequest) => boolean, timeoutMs = 5_000): Promise<RecordedRequest> {
    return this.recorder.waitFor(predicate, timeoutMs);
  }

  /** Stops listening and destroys every open connection, stalled streams included. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.recorder.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        this.boundPort = (this.server.address() as AddressInfo).port;
        this.boundUrl = `http://${host.includes(':') ? `[${host}]` : host}:${this.boundPort}`;
        resolve();
      });
    });
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((error: unknown) => {
      console.error('provider simulator: request failed', error);
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"provider simulator failed"}}');
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? NO_QUERY : Object.fromEntries(new URLSearchParams(url.slice(q + 1)));
    const route = resolveRoute(method, path, query, req.headers);
    if (!route) {
      req.resume();
      const body = JSON.stringify({ error: { message: `provider simulator: no route for ${method} ${path}` } });
      res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    const channel = new ResponseChannel(res);
    if (route.kind === 'media' && route.media) return this.handleMedia(route, route.media, req, channel, { path, query, receivedAt });
    const rawBody = method === 'GET' ? '' : await readBody(req);
    const body = parseJson(rawBody);
    const seq = ++this.seq;
    if (this.recorder.enabled) {
      this.track(channel, { id: seq, provider: route.wire.provider, method, path, query, headers: req.headers, body, rawBody, receivedAt, aborted: false, completed: false });
    }
    const { wire } = route;
    const requestId = `req_sim${seq}`;
    const headers: OutgoingHttpHeaders = { 'x-simulator-request-id': String(seq) };
    if (wire.requestIdHeader) headers[wire.requestIdHeader] = requestId;
    if (route.kind === 'models') {
      headers['content-type'] = wire.jsonContentType;
      playJson(channel, headers, JSON.stringify(wire.models()), NO_FAULTS);
      return;
    }
    const refused = route.rejection ?? (isJsonObject(body) ? undefined : INVALID_JSON);
    if (refused || !isJsonObject(body)) {
      playError(channel, headers, refused ?? INVALID_JSON, wire, requestId);
      return;
    }
    const model = route.pathModel ?? modelOf(body);
    const call: IncomingCall = { body, model, modelInPath: route.pathModel !== undefined, headers: req.headers, variant: route.variant };
    const invalid = this.validateRequests ? (route.endpoint ?? wire).validate(call) : undefined;
    if (invalid) {
      playError(channel, headers, invalid, wire, requestId);
      return;
    }
    const scenario = this.queue.take(wire.provider, model, path, req.headers);
    if (scenario.firstByteDelayMs && !(await channel.sleep(scenario.firstByteDelayMs))) return;
    const stream = route.pathStream ?? body['stream'] === true;
    const error = scenario.error ?? (scenario.promptBlocked ? wire.promptBlockedError?.(route.variant) : undefined);
    if (error && (!stream || error.afterChunks === undefined)) {
      playError(channel, headers, error, wire, requestId);
      return;
    }
    if (scenario.headers) Object.assign(headers, scenario.headers);
    if (route.endpoint) {
      headers['content-type'] = wire.jsonContentType;
      playJson(channel, headers, JSON.stringify(route.endpoint.answer({ ...call, scenario, seq })), scenario);
      return;
    }
    // The echo (SimulatorScenario.echo, or the model simulator-echo): the answer's text is the request received.
    const answered = scenario.echo || model === ECHO_MODEL ? { ...scenario, content: echoOf({ method, path, query, headers: req.headers, body }), toolCalls: undefined } : scenario;
    const turn = buildTurn(answered, wire.provider, model, body, seq, route.variant);
    if (stream) {
      headers['content-type'] = wire.streamContentType;
      headers['cache-control'] = 'no-cache';
      await playStream(channel, headers, wire.stream(turn), scenario, wire);
    } else {
      headers['content-type'] = wire.jsonContentType;
      playJson(channel, headers, JSON.stringify(wire.json(turn)), scenario);
    }
  }

  /**
   * OpenAI's images and audio endpoints (openai-media.endpoint.ts): a JSON body, or a
   * multipart form read with the platform's own parser (undici's FormData), never the gateway's.
   * Recorded with the JSON body, or the form's fields as `body` and its file's size and type.
   */
  private async handleMedia(route: SimulatorRoute, kind: MediaKind, req: IncomingMessage, channel: ResponseChannel, at: { path: string; query: Readonly<Record<string, string>>; receivedAt: number }): Promise<void> {
    const raw = await readBytes(req);
    const seq = ++this.seq;
    const requestId = `req_sim${seq}`;
    const headers: OutgoingHttpHeaders = { 'x-simulator-request-id': String(seq), 'x-request-id': requestId };
    let fields: Record<string, unknown> | undefined;
    let file: MediaCall['file'];
    if (kind === 'transcriptions') {
      try {
        const form = await new Response(raw, { headers: { 'content-type': String(req.headers['content-type'] ?? '') } }).formData();
        fields = {};
        for (const [name, value] of form) {
          if (typeof value === 'string') fields[name] = name.endsWith('[]') ? [...((fields[name] as string[] | undefined) ?? []), value] : value;
          else if (name === 'file') file = { fileName: value.name, type: value.type, data: Buffer.from(await value.arrayBuffer()) };
        }
      } catch {
        fields = undefined;
      }
    } else {
      const parsed = parseJson(raw.toString('utf8'));
      fields = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    }
    const body = fields && file ? { ...fields, file: { fileName: file.fileName, type: file.type, bytes: file.data.length, sha256: createHash('sha256').update(file.data).digest('hex') } } : fields;
    if (this.recorder.enabled) this.track(channel, { id: seq, provider: 'openai', method: 'POST', path: at.path, query: at.query, headers: req.headers, body, rawBody: kind === 'transcriptions' ? '' : raw.toString('utf8'), receivedAt: at.receivedAt, aborted: false, completed: false });
    const refused = route.rejection ?? (fields ? undefined : kind === 'transcriptions' ? INVALID_FORM : INVALID_JSON);
    if (refused || !fields) {
      playError(channel, headers, refused ?? INVALID_JSON, route.wire, requestId);
      return;
    }
    const model = route.pathModel ?? modelOf(fields);
    const asked = { kind, fields, file, model, modelInPath: route.pathModel !== undefined, seq };
    // A request the real API refuses consumes no scenario.
    const invalid = this.validateRequests ? validateMedia({ ...asked, scenario: NO_FAULTS }) : undefined;
    if (invalid) {
      playError(channel, headers, invalid, route.wire, requestId);
      return;
    }
    const scenario = this.queue.take('openai', model, at.path, req.headers);
    const call: MediaCall = { ...asked, scenario };
    const error = scenario.error;
    if (error) {
      playError(channel, headers, error, route.wire, requestId);
      return;
    }
    if (scenario.firstByteDelayMs && !(await channel.sleep(scenario.firstByteDelayMs))) return;
    const answer = answerMedia(call);
    if (scenario.headers) Object.assign(headers, scenario.headers);
    headers['content-type'] = answer.contentType;
    headers['content-length'] = answer.body.length;
    channel.res.writeHead(200, headers);
    channel.res.end(answer.body);
  }

  private track(channel: ResponseChannel, record: RecordedRequest): void {
    this.recorder.add(record);
    const aborted = (): void => {
      if (this.closing) return;
      record.aborted = true;
      this.recorder.changed(record);
    };
    // The client may already have hung up while its body was being read.
    if (!channel.open) {
      aborted();
      return;
    }
    channel.onClientGone = aborted;
    channel.res.once('finish', () => {
      record.completed = true;
      this.recorder.changed(record);
    });
  }
}

function isJsonObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}
