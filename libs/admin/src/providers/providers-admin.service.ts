import { Inject, Injectable } from '@nestjs/common';
import { describeUpstreamKey, displayBaseUrl } from '@switchyard/config';
import type { Prisma, Provider } from '@switchyard/db';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { refuseFileOwned } from '../audit/file-ownership';
import { AdminChanges } from '../audit/admin-changes.service';
import { AdminError } from '../http/admin.error';
import type { AuditContext } from '../http/admin-route';
import { jsonState, sameJson } from '../schemas/json-state';
import type { CreateProviderBody, ProviderView, UpdateProviderBody } from './provider.routes';
import { checkProviderOutbound } from './provider-outbound.check';
import { sealProviderKeys } from './upstream-keys.sealer';

/** Upstream providers and their keys (sealed at rest). Changes announce 'catalogue'. */
@Injectable()
export class ProvidersAdminService {
  constructor(
    private readonly changes: AdminChanges,
    @Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'secretBox' | 'outbound'>,
  ) {}

  async list(): Promise<ProviderView[]> {
    return (await this.changes.prisma.provider.findMany({ orderBy: { id: 'asc' } })).map(providerViewOf);
  }

  async get(id: string): Promise<ProviderView> {
    return providerViewOf(await findProvider(this.changes.prisma, id));
  }

  create(ctx: AuditContext, body: CreateProviderBody): Promise<ProviderView> {
    checkProviderOutbound(body, this.options.outbound);
    const apiKeys = sealProviderKeys(body.id, body.apiKeys, this.options.secretBox);
    return this.changes.run(ctx, 'catalogue', async (tx, audit) => {
      if (await tx.provider.findUnique({ where: { id: body.id }, select: { id: true } })) throw AdminError.conflict(`provider "${body.id}" already exists`);
      const row = await tx.provider.create({
        data: { id: body.id, type: body.type, baseUrl: body.baseUrl, apiKeys, region: body.region ?? null, options: body.options ?? {}, passthrough: { ...body.passthrough } },
      });
      const view = providerViewOf(row);
      await audit({ action: 'create', entity: 'provider', entityId: row.id, after: auditState(view) });
      return view;
    });
  }

  update(ctx: AuditContext, id: string, body: UpdateProviderBody): Promise<ProviderView> {
    checkProviderOutbound(body, this.options.outbound);
    return this.changes.run(ctx, 'catalogue', async (tx, audit) => {
      const row = await findProvider(tx, id);
      await refuseFileOwned(tx, 'provider', id);
      const data: Prisma.ProviderUpdateInput = {};
      if (body.type !== undefined) data.type = body.type;
      if (body.baseUrl !== undefined) data.baseUrl = body.baseUrl;
      if (body.apiKeys !== undefined) data.apiKeys = sealProviderKeys(id, body.apiKeys, this.options.secretBox, row.apiKeys);
      if (body.region !== undefined) data.region = body.region;
      if (body.options !== undefined) data.options = body.options;
      if (body.passthrough !== undefined) data.passthrough = { ...body.passthrough };
      const before = providerViewOf(row);
      const updated = await tx.provider.update({ where: { id }, data });
      const after = providerViewOf(updated);
      // Compared on what is stored: a key replaced by another sealed with the same key id reads the same once described.
      if (!sameJson(storedState(row), storedState(updated))) {
        await audit({ action: 'update', entity: 'provider', entityId: id, before: auditState(before), after: auditState(after) });
      }
      return after;
    });
  }

  remove(ctx: AuditContext, id: string): Promise<{ deleted: ProviderView }> {
    return this.changes.run(ctx, 'catalogue', async (tx, audit) => {
      const deleted = providerViewOf(await findProvider(tx, id));
      await refuseFileOwned(tx, 'provider', id);
      const uses = await tx.deployment.findMany({ where: { providerId: id }, select: { modelName: true }, distinct: ['modelName'], orderBy: { modelName: 'asc' } });
      if (uses.length > 0) {
        throw AdminError.conflict(`provider "${id}" is still used by deployments of ${uses.map((u) => `"${u.modelName}"`).join(', ')}; remove those deployments first`);
      }
      await tx.provider.delete({ where: { id } });
      await audit({ action: 'delete', entity: 'provider', entityId: id, before: auditState(deleted) });
      return { deleted };
    });
  }
}

async function findProvider(prisma: Prisma.TransactionClient, id: string): Promise<Provider> {
  const row = await prisma.provider.findUnique({ where: { id } });
  if (!row) throw AdminError.notFound(`provider "${id}" not found`);
  return row;
}

/**
 * Keys described, never shown: `env:NAME`, `enc:v1:<key id>:…`, or a redacted literal stored
 * before sealing existed; a base URL without the credentials or query it may have been stored with.
 */
export function providerViewOf(row: Provider): ProviderView {
  const options = row.options !== null && typeof row.options === 'object' && !Array.isArray(row.options) ? (row.options as Record<string, unknown>) : {};
  const passthrough = row.passthrough !== null && typeof row.passthrough === 'object' && !Array.isArray(row.passthrough) ? (row.passthrough as ProviderView['passthrough']) : {};
  return {
    id: row.id,
    type: row.type,
    baseUrl: displayBaseUrl(row.baseUrl),
    apiKeys: row.apiKeys.map(describeUpstreamKey),
    region: row.region,
    options,
    passthrough,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function auditState(view: ProviderView): Prisma.InputJsonObject {
  const { createdAt: _c, updatedAt: _u, ...state } = view;
  return jsonState(state);
}

function storedState(row: Provider): unknown {
  return { type: row.type, baseUrl: row.baseUrl, apiKeys: row.apiKeys, region: row.region, options: row.options, passthrough: row.passthrough };
}
