import { Controller, Delete, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { renderInputItemsPage, responseAsIncluded } from '@switchyard/dialects';
import { ErrorKind, IrError } from '@switchyard/ir';
import type { ResponseStorePort, StoredResponse } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { ChatPipeline, INGRESS_OPTIONS, type IngressOptions } from '../chat-pipeline.service';
import { RESPONSES } from '../dialect-registry';
import { type IncomingCall, incomingCall } from '../incoming-call';
import { sendBody } from '../response-writer';

/** OpenAI's message for an id it does not hold; also for another tenant's (ids cannot be probed). */
function notFound(id: string): IrError {
  return new IrError(ErrorKind.ERROR_KIND_NOT_FOUND, `Response with id '${id}' not found.`, 'response_id');
}

/**
 * Stored Responses API answers (issue 17): GET /v1/responses/{id}, DELETE /v1/responses/{id},
 * GET /v1/responses/{id}/input_items. The key is checked as for the model lists (nothing is
 * counted) and names the tenant; a response is found only for its own tenant. Errors in
 * OpenAI's shape.
 */
@Controller()
export class ResponsesController {
  constructor(
    private readonly pipeline: ChatPipeline,
    @Inject(INGRESS_OPTIONS) private readonly options: IngressOptions,
  ) {}

  @Get('v1/responses/:id')
  retrieve(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    return this.serve(req, reply, async (call, res) => {
      // OpenAI streams a retrieved response (stream, starting_after) only while a background
      // response runs or to resume its events; this gateway runs none and keeps the finished
      // Response, not its events, so a replay could not honour starting_after's sequence
      // numbers. A 400 naming the parameter, before any lookup (docs/architecture.md).
      const q = queryOf(req);
      if (q['stream'] === 'true') throw IrError.invalid('stream: only background responses can be streamed from GET /v1/responses/{id}, and this gateway runs none; retrieve the response without stream', 'stream');
      if (q['starting_after'] !== undefined) throw IrError.invalid('starting_after: only applies to streaming a background response, which this gateway does not run', 'starting_after');
      const stored = await this.own(call, res, id);
      // As on create: encrypted reasoning only for a client that includes it (the row keeps it).
      sendBody(res, 200, JSON.stringify(responseAsIncluded(stored.response, includeOf(req))));
    });
  }

  @Delete('v1/responses/:id')
  remove(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    return this.serve(req, reply, async (call, res) => {
      const tenantId = await this.tenantOf(call, res);
      if (!(await this.store().delete(id, tenantId))) throw notFound(id);
      sendBody(res, 200, JSON.stringify({ id, object: 'response.deleted', deleted: true }));
    });
  }

  @Get('v1/responses/:id/input_items')
  inputItems(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string): Promise<void> {
    return this.serve(req, reply, async (call, res) => {
      const q = queryOf(req);
      const order = q['order'] ?? 'desc';
      if (order !== 'asc' && order !== 'desc') throw IrError.invalid(`order: must be "asc" or "desc"`, 'order');
      const limit = q['limit'] === undefined ? 20 : Number(q['limit']);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw IrError.invalid('limit: must be an integer from 1 to 100', 'limit');
      const stored = await this.own(call, res, id);
      sendBody(res, 200, renderInputItemsPage(stored.inputItems, { after: q['after'], limit, order }));
    });
  }

  /** Background responses are refused at creation, so there is never one to cancel. */
  @Post('v1/responses/:id/cancel')
  cancel(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(req, reply, async (call, res) => {
      await this.tenantOf(call, res);
      throw IrError.invalid('Only background responses can be cancelled, and this gateway runs none.');
    });
  }

  private serve(req: FastifyRequest, reply: FastifyReply, work: (call: IncomingCall, res: ServerResponse) => Promise<void>): Promise<void> {
    reply.hijack();
    const call = incomingCall(req.raw, reply.raw);
    return this.pipeline.answer(RESPONSES, call, reply.raw, () => work(call, reply.raw));
  }

  private async own(call: IncomingCall, res: ServerResponse, id: string): Promise<StoredResponse> {
    const tenantId = await this.tenantOf(call, res);
    const stored = await this.store().find(id);
    if (!stored || stored.tenantId !== tenantId) throw notFound(id);
    return stored;
  }

  /** The key's tenant: the key checked as admission checks it, nothing counted. */
  private async tenantOf(call: IncomingCall, res: ServerResponse): Promise<string> {
    const { principal } = await this.pipeline.admit(RESPONSES, call, hashKey(this.pipeline.credential(RESPONSES, call)), '', res);
    return principal.tenantId;
  }

  private store(): ResponseStorePort {
    const store = this.options.responses;
    if (!store) throw new IrError(ErrorKind.ERROR_KIND_NOT_FOUND, 'This gateway keeps no responses: its ingress has no database.');
    return store;
  }
}

function queryOf(req: FastifyRequest): Record<string, string | undefined> {
  const q = req.query;
  const out: Record<string, string | undefined> = {};
  if (q && typeof q === 'object') for (const [k, v] of Object.entries(q)) out[k] = typeof v === 'string' ? v : undefined;
  return out;
}

/** `include` of a GET: repeated `include[]=` (the SDKs' form) or `include=`. */
function includeOf(req: FastifyRequest): string[] {
  const q = (req.query ?? {}) as Record<string, unknown>;
  return [q['include[]'], q['include']].flat().filter((v): v is string => typeof v === 'string');
}
