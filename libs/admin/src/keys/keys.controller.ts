import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { createKey, deleteKey, getKey, listKeys, revokeKey, rotateKey, updateKey } from './key.routes';
import { KeysAdminService } from './keys-admin.service';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class KeysController {
  constructor(private readonly keys: KeysAdminService) {}

  @AdminRoute(listKeys)
  async list(@AdminInput() input: RouteInput<typeof listKeys>): Promise<RouteOutput<typeof listKeys>> {
    return { keys: await this.keys.list(input.params.tenantId) };
  }

  @AdminRoute(getKey)
  get(@AdminInput() { params }: RouteInput<typeof getKey>): Promise<RouteOutput<typeof getKey>> {
    return this.keys.get(params.tenantId, params.keyId);
  }

  @AdminRoute(createKey)
  create(@AdminInput() { params, body, audit }: RouteInput<typeof createKey>): Promise<RouteOutput<typeof createKey>> {
    return this.keys.create(audit, params.tenantId, body);
  }

  @AdminRoute(updateKey)
  update(@AdminInput() { params, body, audit }: RouteInput<typeof updateKey>): Promise<RouteOutput<typeof updateKey>> {
    return this.keys.update(audit, params.tenantId, params.keyId, body);
  }

  @AdminRoute(revokeKey)
  revoke(@AdminInput() { params, audit }: RouteInput<typeof revokeKey>): Promise<RouteOutput<typeof revokeKey>> {
    return this.keys.revoke(audit, params.tenantId, params.keyId);
  }

  @AdminRoute(rotateKey)
  rotate(@AdminInput() { params, body, audit }: RouteInput<typeof rotateKey>): Promise<RouteOutput<typeof rotateKey>> {
    return this.keys.rotate(audit, params.tenantId, params.keyId, body.graceSeconds);
  }

  @AdminRoute(deleteKey)
  remove(@AdminInput() { params, audit }: RouteInput<typeof deleteKey>): Promise<RouteOutput<typeof deleteKey>> {
    return this.keys.remove(audit, params.tenantId, params.keyId);
  }
}
