import { Prisma } from '@switchyard/db';
import type { GuardrailsConfig } from '@switchyard/guardrails';
import type { z } from 'zod';
import type { accessLimitsView } from './common.schemas';

type Money = { toString(): string } | null;

/** The limit columns tenants and keys share. */
export interface AccessLimitColumns {
  rpm: number | null;
  tpm: number | null;
  maxConcurrency: number | null;
  dailyBudgetUsd: Money;
  monthlyBudgetUsd: Money;
  models: string[];
  allowedRegions: string[];
  allowedIps: string[];
  metadata: Prisma.JsonValue;
  guardrails: Prisma.JsonValue;
}

/** A body's limit fields as sent (all optional; null clears). */
export interface AccessLimitInput {
  rpm?: number | null;
  tpm?: number | null;
  concurrency?: number | null;
  budget?: { dailyUsd?: number | null; monthlyUsd?: number | null } | null;
  models?: string[];
  regions?: string[];
  ips?: string[];
  metadata?: Record<string, string | number | boolean>;
  guardrails?: GuardrailsConfig | null;
}

/** Columns to write; Decimal columns as strings so no precision is lost on the way. */
export interface AccessLimitData {
  rpm?: number | null;
  tpm?: number | null;
  maxConcurrency?: number | null;
  dailyBudgetUsd?: string | null;
  monthlyBudgetUsd?: string | null;
  models?: string[];
  allowedRegions?: string[];
  allowedIps?: string[];
  metadata?: Prisma.InputJsonObject;
  guardrails?: Prisma.InputJsonObject | typeof Prisma.DbNull;
}

type LimitsView = { [K in keyof typeof accessLimitsView]: z.output<(typeof accessLimitsView)[K]> };

/** The columns to write for the fields present in `input`; absent fields are left as they are. */
export function accessLimitData(input: AccessLimitInput): AccessLimitData {
  const data: AccessLimitData = {};
  if (input.rpm !== undefined) data.rpm = input.rpm;
  if (input.tpm !== undefined) data.tpm = input.tpm;
  if (input.concurrency !== undefined) data.maxConcurrency = input.concurrency;
  if (input.budget === null) {
    data.dailyBudgetUsd = null;
    data.monthlyBudgetUsd = null;
  } else if (input.budget) {
    if (input.budget.dailyUsd !== undefined) data.dailyBudgetUsd = input.budget.dailyUsd === null ? null : String(input.budget.dailyUsd);
    if (input.budget.monthlyUsd !== undefined) data.monthlyBudgetUsd = input.budget.monthlyUsd === null ? null : String(input.budget.monthlyUsd);
  }
  if (input.models !== undefined) data.models = input.models;
  if (input.regions !== undefined) data.allowedRegions = input.regions;
  if (input.ips !== undefined) data.allowedIps = input.ips;
  if (input.metadata !== undefined) data.metadata = input.metadata;
  if (input.guardrails !== undefined) data.guardrails = input.guardrails === null ? Prisma.DbNull : (input.guardrails as Prisma.InputJsonObject);
  return data;
}

/** The stored limits in the API's vocabulary (views and audit rows). */
export function accessLimitsOf(row: AccessLimitColumns): LimitsView {
  return {
    rpm: row.rpm,
    tpm: row.tpm,
    concurrency: row.maxConcurrency,
    budget: { dailyUsd: usdOf(row.dailyBudgetUsd), monthlyUsd: usdOf(row.monthlyBudgetUsd) },
    models: row.models,
    regions: row.allowedRegions,
    ips: row.allowedIps,
    metadata: metadataOf(row.metadata),
    // Written only after guardrailsSchema validated it (admin API, switchyard.yaml).
    guardrails: row.guardrails === null ? null : (row.guardrails as GuardrailsConfig),
  };
}

export function usdOf(value: Money): number | null {
  return value === null ? null : Number(value.toString());
}

function metadataOf(value: Prisma.JsonValue): LimitsView['metadata'] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: LimitsView['metadata'] = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}
