import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/**
 * Readiness of the dependencies this process needs to serve (docs/architecture.md §3, /readyz):
 * load balancers and health checks send traffic only where it answers 200.
 */
export interface ReadinessCheck {
  name: string;
  ready(): boolean | Promise<boolean>;
}
export const READINESS_CHECKS = Symbol('ReadinessChecks');

@Controller()
export class HealthController {
  // IngressModule always provides the list (empty in standalone, which has no remote dependency).
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  @Get('healthz')
  health(@Res() reply: FastifyReply): void {
    void reply.header('cache-control', 'no-store').send({ status: 'ok' });
  }

  @Get('readyz')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const results = await Promise.all(this.checks.map(async (c) => [c.name, await Promise.resolve(c.ready()).catch(() => false)] as const));
    const failing = results.filter(([, ok]) => !ok).map(([name]) => name);
    void reply
      .code(failing.length ? 503 : 200)
      .header('cache-control', 'no-store')
      .send({ status: failing.length ? 'unavailable' : 'ready', failing });
  }
}
