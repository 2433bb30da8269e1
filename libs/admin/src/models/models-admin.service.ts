import { Injectable } from '@nestjs/common';
import type { Prisma } from '@switchyard/db';
import { AdminChanges, type Audit } from '../audit/admin-changes.service';
import { refuseFileOwned } from '../audit/file-ownership';
import { AdminError } from '../http/admin.error';
import type { AuditContext } from '../http/admin-route';
import { jsonState, sameJson } from '../schemas/json-state';
import { MODEL_OPTION_KEYS, type CreateModelBody, type CreatePriceBody, type DeploymentBody, type ModelView, type PriceView, type UpdateModelBody } from './model.routes';
import { deploymentAuditState, deploymentViewOf, jsonObject, modelAuditState, modelInclude, modelViewOf, priceViewOf, type ModelRow } from './model.presenter';

type Tx = Prisma.TransactionClient;

/** Models, their deployments and their append-only prices. Changes announce 'catalogue'. */
@Injectable()
export class ModelsAdminService {
  constructor(private readonly changes: AdminChanges) {}

  async list(): Promise<ModelView[]> {
    return (await this.changes.prisma.model.findMany({ include: modelInclude(), orderBy: { name: 'asc' } })).map(modelViewOf);
  }

  async get(name: string): Promise<ModelView> {
    return modelViewOf(await findModel(this.changes.prisma, name));
  }

  create(ctx: AuditContext, body: CreateModelBody): Promise<ModelView> {
    return this.changes.run(ctx, 'catalogue', async (tx, audit) => {
      if (await tx.model.findUnique({ where: { name: body.name }, select: { name: true } })) throw AdminError.conflict(`model "${body.name}" already exists`);
      await checkReferences(tx, body.name, body);
      await tx.model.create({ data: { name: body.name, fallbacks: body.fallbacks, strategy: body.strategy, options: optionsWith({}, body) } });
      const created = modelViewOf(await findModel(tx, body.name));
      await audit({ action: 'create', entity: 'model', entityId: body.name, after: modelAuditState(created) });
      await syncDeployments(tx, audit, body.name, body.deployments);
      if (body.price) await insertPrice(tx, audit, body.name, body.price);
      return modelViewOf(await findModel(tx, body.name));
    });
  }

  update(ctx: AuditContext, name: string, body: UpdateModelBody): Promise<ModelView> {
    return this.changes.run(ctx, 'catalogue', async (tx, audit) => {
      const row = await findModel(tx, name);
      await refuseFileOwned(tx, 'model', name);
      await checkReferences(tx, name, body);
      const data: Prisma.ModelUpdateInput = { options: optionsWith(jsonObject(row.options), body) };
      if (body.fallbacks !== undefined) data.fallbacks = body.fallbacks;
      if (body.strategy !== undefined) data.strategy = body.strategy;
      await tx.model.update({ where: { name }, data });
      const before = modelViewOf(row);
      const after = modelViewOf(await findModel(tx, name));
      if (!sameJson(modelAuditState(before), modelAuditState(after))) {
        await audit({ action: 'update', entity: 'model', entityId: name, before: modelAuditState(before), after: modelAuditState(after) });
      }
      return after;
    });
  }

  replaceDeployments(ctx: AuditContext, name: string, deployments: DeploymentBody[]): Promise<ModelView> {
    return this.changes.run(ctx, 'catalogue', async (tx, audit) => {
      await findModel(tx, name);
      await refuseFileOwned(tx, 'model', name);
      await syncDeployments(tx, audit, name, deployments);
      return modelViewOf(await findModel(tx, name));
    });
  }

  remove(ctx: AuditContext, name: string): Promise<{ deleted: ModelView }> {
    return this.changes.run(ctx, 'catalogue', async (tx, audit) => {
      const deleted = modelViewOf(await findModel(tx, name));
      await refuseFileOwned(tx, 'model', name);
      const others = await tx.model.findMany({ where: { name: { not: name } }, select: { name: true, fallbacks: true, options: true } });
      const referrers = others.filter((m) => m.fallbacks.includes(name) || jsonObject(m.options)['contextFallback'] === name).map((m) => `"${m.name}"`);
      if (referrers.length > 0) throw AdminError.conflict(`model "${name}" is a fallback of ${referrers.join(', ')}; change those first`);
      // Deployments and prices go with it (ON DELETE CASCADE); the audit row keeps them.
      await tx.model.delete({ where: { name } });
      await audit({ action: 'delete', entity: 'model', entityId: name, before: jsonState({ ...modelAuditState(deleted), deployments: deleted.deployments, price: deleted.price }) });
      return { deleted };
    });
  }

  async listPrices(name: string): Promise<PriceView[]> {
    await findModel(this.changes.prisma, name);
    const rows = await this.changes.prisma.price.findMany({ where: { modelName: name }, orderBy: { effectiveFrom: 'desc' } });
    return rows.map(priceViewOf);
  }

  createPrice(ctx: AuditContext, name: string, body: CreatePriceBody): Promise<PriceView> {
    return this.changes.run(ctx, 'catalogue', async (tx, audit) => {
      await findModel(tx, name);
      await refuseFileOwned(tx, 'price', name, `the price of model "${name}"`);
      return insertPrice(tx, audit, name, body);
    });
  }
}

async function findModel(prisma: Tx, name: string): Promise<ModelRow> {
  const row = await prisma.model.findUnique({ where: { name }, include: modelInclude() });
  if (!row) throw AdminError.notFound(`model "${name}" not found`);
  return row;
}

/** models.options after a create or patch: a present field replaces, null removes. */
function optionsWith(current: Record<string, unknown>, body: Partial<Record<(typeof MODEL_OPTION_KEYS)[number], unknown>>): Prisma.InputJsonObject {
  const next: Record<string, unknown> = { ...current };
  for (const k of MODEL_OPTION_KEYS) {
    const v = body[k];
    if (v === null) delete next[k];
    else if (v !== undefined) next[k] = v;
  }
  return jsonState(next);
}

/** Fallbacks must name other existing models. */
async function checkReferences(tx: Tx, name: string, body: { fallbacks?: string[]; contextFallback?: string | null }): Promise<void> {
  const named = [...(body.fallbacks ?? []).map((m, i) => [`fallbacks[${i}]`, m] as const), ...(body.contextFallback ? [['contextFallback', body.contextFallback] as const] : [])];
  if (named.length === 0) return;
  const known = new Set((await tx.model.findMany({ where: { name: { in: named.map(([, m]) => m) } }, select: { name: true } })).map((m) => m.name));
  for (const [field, model] of named) {
    if (model === name) throw AdminError.invalid(`${field}: a model cannot fall back to itself`);
    if (!known.has(model)) throw AdminError.invalid(`${field}: unknown model "${model}"`);
  }
}

/**
 * Makes the model's deployments the `desired` list: matched by provider and upstream model,
 * updated in place (keeping their ids), created, or removed — each change audited.
 */
async function syncDeployments(tx: Tx, audit: Audit, model: string, desired: DeploymentBody[]): Promise<void> {
  const providers = new Set((await tx.provider.findMany({ where: { id: { in: desired.map((d) => d.provider) } }, select: { id: true } })).map((p) => p.id));
  const seen = new Set<string>();
  desired.forEach((d, i) => {
    if (!providers.has(d.provider)) throw AdminError.invalid(`deployments[${i}].provider: unknown provider "${d.provider}"`);
    const k = `${d.provider}\u0000${d.model}`;
    if (seen.has(k)) throw AdminError.invalid(`deployments[${i}]: provider "${d.provider}" with model "${d.model}" is listed twice`);
    seen.add(k);
  });
  const existing = new Map((await tx.deployment.findMany({ where: { modelName: model } })).map((row) => [`${row.providerId}\u0000${row.upstreamModel}`, row]));
  for (const d of desired) {
    const k = `${d.provider}\u0000${d.model}`;
    const current = existing.get(k);
    existing.delete(k);
    const data = { weight: d.weight, priority: d.priority, rpm: d.rpm ?? null, tpm: d.tpm ?? null, options: d.cost ? jsonState({ cost: d.cost }) : d.price ? jsonState({ price: d.price }) : {} };
    if (current) {
      const before = deploymentAuditState(model, deploymentViewOf(current));
      const after = deploymentAuditState(model, deploymentViewOf(await tx.deployment.update({ where: { id: current.id }, data })));
      if (!sameJson(before, after)) await audit({ action: 'update', entity: 'deployment', entityId: current.id, before, after });
    } else {
      const row = await tx.deployment.create({ data: { modelName: model, providerId: d.provider, upstreamModel: d.model, ...data } });
      await audit({ action: 'create', entity: 'deployment', entityId: row.id, after: deploymentAuditState(model, deploymentViewOf(row)) });
    }
  }
  for (const row of existing.values()) {
    await tx.deployment.delete({ where: { id: row.id } });
    await audit({ action: 'delete', entity: 'deployment', entityId: row.id, before: deploymentAuditState(model, deploymentViewOf(row)) });
  }
}

export async function insertPrice(tx: Tx, audit: Audit, model: string, body: Omit<CreatePriceBody, 'effectiveFrom'> & { effectiveFrom?: string }): Promise<PriceView> {
  const effectiveFrom = body.effectiveFrom ? new Date(body.effectiveFrom) : new Date();
  const clash = await tx.price.findUnique({ where: { modelName_effectiveFrom: { modelName: model, effectiveFrom } }, select: { id: true } });
  if (clash) throw AdminError.conflict(`model "${model}" already has a price effective from ${effectiveFrom.toISOString()}`);
  const row = await tx.price.create({
    data: {
      modelName: model,
      inputPerMTok: body.inputPerMTok,
      outputPerMTok: body.outputPerMTok,
      cachedInputPerMTok: body.cachedInputPerMTok ?? null,
      cacheWritePerMTok: body.cacheWritePerMTok ?? null,
      reasoningPerMTok: body.reasoningPerMTok ?? null,
      batchInputPerMTok: body.batchInputPerMTok ?? null,
      batchOutputPerMTok: body.batchOutputPerMTok ?? null,
      effectiveFrom,
    },
  });
  const view = priceViewOf(row);
  // Append-only: a price row is created, never changed; audited under the model's name.
  await audit({ action: 'create', entity: 'price', entityId: model, after: jsonState(view) });
  return view;
}
