-- Issue 4: limits on tenants as well as keys, key budgets and regions, free-form key metadata,
-- and key rotation with a grace period (the previous secret stays valid until it ends).
ALTER TABLE "tenants" ADD COLUMN "rpm" INTEGER;
ALTER TABLE "tenants" ADD COLUMN "tpm" INTEGER;
ALTER TABLE "tenants" ADD COLUMN "max_concurrency" INTEGER;
ALTER TABLE "tenants" ADD COLUMN "models" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

ALTER TABLE "virtual_keys" ADD COLUMN "daily_budget_usd" DECIMAL(18,6);
ALTER TABLE "virtual_keys" ADD COLUMN "monthly_budget_usd" DECIMAL(18,6);
ALTER TABLE "virtual_keys" ADD COLUMN "allowed_regions" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "virtual_keys" ADD COLUMN "metadata" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "virtual_keys" ADD COLUMN "previous_hash" TEXT;
ALTER TABLE "virtual_keys" ADD COLUMN "previous_prefix" TEXT;
ALTER TABLE "virtual_keys" ADD COLUMN "previous_expires_at" TIMESTAMPTZ(3);
CREATE UNIQUE INDEX "virtual_keys_previous_hash_key" ON "virtual_keys"("previous_hash");
