import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { createAdminToken, getAdminToken, listAdminTokens, revokeAdminToken } from './admin-token.routes';
import { AdminTokensAdminService } from './admin-tokens-admin.service';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class AdminTokensController {
  constructor(private readonly tokens: AdminTokensAdminService) {}

  @AdminRoute(listAdminTokens)
  async list(): Promise<RouteOutput<typeof listAdminTokens>> {
    return { tokens: await this.tokens.list() };
  }

  @AdminRoute(getAdminToken)
  get(@AdminInput() { params }: RouteInput<typeof getAdminToken>): Promise<RouteOutput<typeof getAdminToken>> {
    return this.tokens.get(params.tokenId);
  }

  @AdminRoute(createAdminToken)
  create(@AdminInput() { body, audit }: RouteInput<typeof createAdminToken>): Promise<RouteOutput<typeof createAdminToken>> {
    return this.tokens.create(audit, body);
  }

  @AdminRoute(revokeAdminToken)
  revoke(@AdminInput() { params, audit }: RouteInput<typeof revokeAdminToken>): Promise<RouteOutput<typeof revokeAdminToken>> {
    return this.tokens.revoke(audit, params.tokenId);
  }
}
