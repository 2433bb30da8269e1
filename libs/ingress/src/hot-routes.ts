import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatPipeline } from './chat-pipeline.service';
import { dataRoute, isApiPath, renderErrorForPath } from './dialect-registry';
import { TRACING, activeContext, runIn } from '@switchyard/telemetry';
import { incomingCall } from './incoming-call';
import { payloadTooLarge } from './ingress-errors';
import { inRequestSpan } from './request-span';
import { sendBody } from './response-writer';

/**
 * The data-path routes, served straight from node:http before Fastify and Nest see the
 * request. Profiling showed their per-request machinery (content-type parser hooks that bind an
 * AsyncResource per request, route context objects) costing more than our own work; admin,
 * health and model routes stay in Nest where that overhead does not matter.
 *
 * Order (issue 10): the credential is checked before a byte of the body is read. Until then the
 * request stream is paused, so at most the socket's buffers hold any of it; a refused request's
 * body is discarded, never kept.
 */
// How much of a refused body (413, 401) we read and discard after answering, at most.
const DRAIN_MS = 10_000;
const DRAIN_FACTOR = 8;

export class HotRoutes {
  private pipeline: ChatPipeline | undefined;

  constructor(private readonly maxBodyBytes: number) {}

  attach(pipeline: ChatPipeline): void {
    this.pipeline = pipeline;
  }

  /**
   * Handles the request and returns true, or returns false to let Fastify route it.
   * `expectsContinue`: the client sent `Expect: 100-continue` and waits for our word before
   * uploading; it gets `100 Continue` only once its key passed and the declared size fits, so a
   * refused client never uploads at all.
   */
  handle(req: IncomingMessage, res: ServerResponse, expectsContinue = false): boolean {
    const pipeline = this.pipeline;
    if (!pipeline || req.method !== 'POST') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const route = dataRoute(pathname, q < 0 ? '' : url.slice(q + 1));
    if (!route) {
      if (isApiPath(pathname)) pipeline.countUnserved(pathname, res);
      return false;
    }
    const call = incomingCall(req, res);
    inRequestSpan(req, res, call, pathname, () => {
      // The body's 'end' callback does not run in the request span's context: it is carried over.
      const trace = TRACING.on ? activeContext() : undefined;
      const read = (keyHash: string | undefined) => {
        if (keyHash === undefined) return this.discard(req);
        this.readBody(req, res, expectsContinue, (body, raw) => {
          // Too large: answered 413 already; the pipeline only writes its access line.
          if (body === undefined) return pipeline.answeredEarly(route, call, res);
          call.body = body;
          // A form's file is binary: its bytes, not the text, are what the operation reads.
          if (route.op === 'media') call.rawBody = raw;
          if (trace) runIn(trace, () => void pipeline.serve(route, call, res, keyHash));
          else void pipeline.serve(route, call, res, keyHash);
        });
      };
      const keyHash = pipeline.authenticate(route, call, res);
      if (typeof keyHash === 'object') void keyHash.then(read);
      else read(keyHash);
    });
    return true;
  }

  /** Reads the body for `done`; a body over the limit is answered 413 and `done` gets undefined. */
  private readBody(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean, done: (body: string | undefined, raw?: Buffer) => void): void {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.maxBodyBytes) {
      this.tooLarge(req, res);
      return done(undefined);
    }
    if (expectsContinue) res.writeContinue();
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        req.off('data', onData);
        this.tooLarge(req, res);
        done(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (size > this.maxBodyBytes) return;
      const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      done(raw.toString('utf8'), raw);
    });
    req.once('error', () => res.destroy());
  }

  /** 413 at once, then the rest of the body is discarded. */
  private tooLarge(req: IncomingMessage, res: ServerResponse): void {
    const r = renderErrorForPath(req.url ?? '', payloadTooLarge(this.maxBodyBytes));
    sendBody(res, r.status, r.body, r.headers);
    this.discard(req);
  }

  /**
   * After an answer that did not need the body (401, 413): read and discard the rest of it on a
   * connection kept open. A client still uploading gets a reset (EPIPE) instead of our answer if
   * the socket closes under it, which closing after the response did in about a third of tries.
   * The drain is bounded in time and bytes, so an endless body cannot hold the connection.
   */
  private discard(req: IncomingMessage): void {
    if (req.complete) return;
    let discarded = 0;
    const limit = DRAIN_FACTOR * this.maxBodyBytes;
    const timer = setTimeout(() => req.destroy(), DRAIN_MS).unref();
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > limit) req.destroy();
    });
    req.once('close', () => clearTimeout(timer));
    req.resume();
  }
}
