import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RegionReadiness } from './region-readiness';

/**
 * Readiness of the dependencies this process needs to serve (docs/architecture.md §3, /readyz):
 * load balancers and health checks send traffic only where it answers 200.
 */
export interface ReadinessCheck {
  name: string;
  ready(): boolean | Promise<boolean>;
}

@Controller()
export class HealthController {
  // IngressModule always provides it: the app's, or one over the readiness checks (empty in
  // standalone, which has no remote dependency) that never counts models.
  constructor(@Inject(RegionReadiness) private readonly region: RegionReadiness) {}

  @Get('healthz')
  health(@Res() reply: FastifyReply): void {
    void reply.header('cache-control', 'no-store').send({ status: 'ok' });
  }

  @Get('readyz')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    // `models` joins the failing names when too few models have a usable deployment (GET /admin/v1/region says which).
    const failing = await this.region.failing();
    void reply
      .code(failing.length ? 503 : 200)
      .header('cache-control', 'no-store')
      .send({ status: failing.length ? 'unavailable' : 'ready', failing });
  }
}
