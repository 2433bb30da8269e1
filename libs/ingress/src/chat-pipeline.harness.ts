import type { AuthPort, ChatRequest, ResponseEvent, RouterPort, UsageSink } from '@switchyard/ir';
import type { AccessLog } from './access-log';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ChatPipeline, type IncomingCall } from './chat-pipeline.service';
import { dataRoute } from './dialect-registry';
import { RequestLimits } from './request-limits';

// For the ChatPipeline specs: a pipeline over given ports, and one request served through it
// without a server (the answer's status, headers and body are read off the response).

/** A pipeline for region eu with the default request limits (and access lines to `accessLog`). */
export function pipelineOf(auth: AuthPort, router: RouterPort, usage: UsageSink, accessLog?: AccessLog): ChatPipeline {
  return new ChatPipeline(auth, router, usage, { region: 'eu', limits: new RequestLimits({ maxEmbedInputs: 2048, maxRequestTokens: 20_000_000 }), accessLog });
}

export interface ServedAnswer {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** Serves `body` at `url` (its key already through the gate); `query` as the HTTP layer would parse it. */
export async function serveThrough(sut: ChatPipeline, url: string, body: string, headers: IncomingCall['headers'], query?: IncomingCall['query']): Promise<ServedAnswer> {
  const [path, search = ''] = url.split('?');
  const route = dataRoute(path as string, search);
  if (!route) throw new Error(`no route for ${url}`);
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  let written = '';
  res.end = ((chunk: string) => {
    written = chunk;
    return res;
  }) as typeof res.end;
  const call: IncomingCall = { requestId: 'r1', clientRequestId: undefined, headers, query, body, clientIp: '127.0.0.1', arrivedAt: performance.now(), traceId: undefined };
  await sut.serve(route, call, res, 'key-hash');
  return { status: res.statusCode, headers: res.getHeaders(), body: JSON.parse(written) as Record<string, unknown> };
}

/** A router that answers every chat with the same events and keeps what it was asked; nothing else of it is used. */
export class ScriptedRouter implements RouterPort {
  readonly asked: ChatRequest[] = [];

  constructor(private readonly events: readonly ResponseEvent[]) {}

  async *route(request: ChatRequest): AsyncIterable<ResponseEvent> {
    this.asked.push(request);
    yield* this.events;
  }
  embed(): never {
    throw new Error('unused');
  }
  countTokens(): never {
    throw new Error('unused');
  }
  listModels(): never {
    throw new Error('unused');
  }
  healthState(): never {
    throw new Error('unused');
  }
}
