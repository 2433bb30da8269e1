import { Controller, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChatPipeline } from './chat-pipeline.service';
import { OPENAI_DIALECT } from './dialect-registry';
import { incomingCall } from './incoming-call';

@Controller()
export class ChatCompletionsController {
  constructor(private readonly pipeline: ChatPipeline) {}

  @Post('v1/chat/completions')
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.hijack();
    await this.pipeline.handle(OPENAI_DIALECT, incomingCall(req, reply), reply.raw);
  }
}
