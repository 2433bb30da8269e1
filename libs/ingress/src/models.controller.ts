import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { renderAnthropicModel, renderAnthropicModelList, renderGeminiModel, renderGeminiModelList, renderOpenAiModel, renderOpenAiModelList } from '@switchyard/dialects';
import { ErrorKind, IrError, ROUTER_PORT } from '@switchyard/ir';
import type { ModelInfo, RouterPort } from '@switchyard/ir';
import { hashKey, modelAllowed } from '@switchyard/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ChatPipeline } from './chat-pipeline.service';
import { ANTHROPIC, GEMINI, OPENAI_DIALECT } from './dialect-registry';
import type { ErrorDialect } from './failure-answer';
import { type IncomingCall, incomingCall } from './incoming-call';
import { sendBody } from './response-writer';

type Shape = 'openai' | 'anthropic' | 'gemini';
const DIALECTS: Record<Shape, ErrorDialect> = { openai: OPENAI_DIALECT, anthropic: ANTHROPIC, gemini: GEMINI };

/**
 * GET /v1/models is shared by the three SDKs, told apart the way their requests differ:
 * Anthropic's always sends anthropic-version, Gemini's sends its key as x-goog-api-key or ?key.
 */
function shapeOf(headers: IncomingHttpHeaders, query: Record<string, unknown> | undefined): Shape {
  if (headers['anthropic-version'] !== undefined) return 'anthropic';
  if (headers['x-goog-api-key'] !== undefined || query?.['key'] !== undefined) return 'gemini';
  return 'openai';
}

function renderList(shape: Shape, models: ModelInfo[]): string {
  switch (shape) {
    case 'openai':
      return renderOpenAiModelList(models);
    case 'anthropic':
      return renderAnthropicModelList(models);
    case 'gemini':
      return renderGeminiModelList(models);
  }
}

function renderOne(shape: Shape, model: ModelInfo): string {
  switch (shape) {
    case 'openai':
      return renderOpenAiModel(model);
    case 'anthropic':
      return renderAnthropicModel(model);
    case 'gemini':
      return renderGeminiModel(model);
  }
}

@Controller()
export class ModelsController {
  constructor(
    private readonly pipeline: ChatPipeline,
    @Inject(ROUTER_PORT) private readonly router: RouterPort,
  ) {}

  /** The models this key may call, in the asking SDK's shape. */
  @Get('v1/models')
  list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.answer(req, reply, shapeOf(req.headers, req.query as Record<string, unknown>), undefined);
  }

  @Get('v1beta/models')
  listGemini(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.answer(req, reply, 'gemini', undefined);
  }

  /** One model (OpenAI models.retrieve, Anthropic models.retrieve, Gemini models.get). */
  @Get('v1/models/:model')
  get(@Param('model') model: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.answer(req, reply, shapeOf(req.headers, req.query as Record<string, unknown>), model);
  }

  @Get('v1beta/models/:model')
  getGemini(@Param('model') model: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.answer(req, reply, 'gemini', model);
  }

  private answer(req: FastifyRequest, reply: FastifyReply, shape: Shape, one: string | undefined): Promise<void> {
    reply.hijack();
    const dialect = DIALECTS[shape];
    const call = incomingCall(req.raw, reply.raw);
    return this.pipeline.answer(dialect, call, reply.raw, () => this.models(dialect, call, reply.raw, shape, one));
  }

  /** The list (or the one model `one`) the key may see; throws the refusal. */
  private async models(dialect: ErrorDialect, call: IncomingCall, res: ServerResponse, shape: Shape, one: string | undefined): Promise<void> {
    const { principal } = await this.pipeline.admit(dialect, call, hashKey(this.pipeline.credential(dialect, call)), '', res);
    // The key's patterns and its tenant's, as admission checks them: a tenant never sees the
    // names of models outside its own list (issue 10, tenant isolation).
    const allowed = principal.models;
    const tenantAllowed = principal.tenantModels;
    const { models = [] } = await this.router.listModels();
    const visible = models.filter((m) => modelAllowed(m.name, allowed) && modelAllowed(m.name, tenantAllowed));
    if (one === undefined) return sendBody(res, 200, renderList(shape, visible));
    const name = one.startsWith('models/') ? one.slice('models/'.length) : one;
    const found = visible.find((m) => m.name === name);
    if (!found) throw new IrError(ErrorKind.ERROR_KIND_NOT_FOUND, `The model \`${name}\` does not exist or is not served here.`, 'model');
    sendBody(res, 200, renderOne(shape, found));
  }
}
