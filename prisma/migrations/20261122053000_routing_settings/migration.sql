-- Issue 5: per-deployment routing settings (price for lowest-cost) and cache/attempt facts on
-- usage rows. Plain Postgres, so PGlite runs it too.
ALTER TABLE "deployments" ADD COLUMN "options" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "usage_records" ADD COLUMN "cache_hit" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "usage_records" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;
-- Regions a tenant's requests may be served from (deployment regions); empty = any.
ALTER TABLE "tenants" ADD COLUMN "allowed_regions" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
