-- Upstream cost and margin in the usage rollups (issue 16 follow-up): what the upstreams charged and
-- what the tenants paid beyond it, summed over the requests whose deployment declares an upstream
-- cost (costed_requests of them), exactly as GET /admin/v1/usage sums the raw rows. Kept by the same
-- statement as the rest of the rollups (libs/db/src/usage.recorder.ts). 0 with costed_requests 0 is
-- "none declared": the reports show null there.

ALTER TABLE "usage_rollups_hourly"
  ADD COLUMN IF NOT EXISTS "upstream_cost_usd" DECIMAL(18,9) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS "margin_usd" DECIMAL(18,9) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS "costed_requests" BIGINT NOT NULL DEFAULT 0;

ALTER TABLE "usage_rollups_daily"
  ADD COLUMN IF NOT EXISTS "upstream_cost_usd" DECIMAL(18,9) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS "margin_usd" DECIMAL(18,9) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS "costed_requests" BIGINT NOT NULL DEFAULT 0;

ALTER TABLE "usage_rollups_monthly"
  ADD COLUMN IF NOT EXISTS "upstream_cost_usd" DECIMAL(18,9) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS "margin_usd" DECIMAL(18,9) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS "costed_requests" BIGINT NOT NULL DEFAULT 0;

-- The raw rows still kept (retention may have deleted older ones; their rollups keep 0), set rather
-- than added, so running this again changes nothing.

UPDATE "usage_rollups_hourly" AS r
   SET upstream_cost_usd = s.upstream_cost_usd, margin_usd = s.margin_usd, costed_requests = s.costed_requests
  FROM (SELECT date_trunc('hour', started_at, 'UTC') AS bucket, tenant_id, key_id, model, coalesce(provider_id, '') AS provider_id,
               coalesce(region, '') AS region, sum(upstream_cost_usd) AS upstream_cost_usd,
               sum(cost_usd - upstream_cost_usd) AS margin_usd, count(*) AS costed_requests
          FROM usage_records WHERE upstream_cost_usd IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6) AS s
 WHERE r.bucket = s.bucket AND r.tenant_id = s.tenant_id AND r.key_id = s.key_id AND r.model = s.model
   AND r.provider_id = s.provider_id AND r.region = s.region;

UPDATE "usage_rollups_daily" AS r
   SET upstream_cost_usd = s.upstream_cost_usd, margin_usd = s.margin_usd, costed_requests = s.costed_requests
  FROM (SELECT date_trunc('day', started_at, 'UTC') AS bucket, tenant_id, key_id, model, coalesce(provider_id, '') AS provider_id,
               coalesce(region, '') AS region, sum(upstream_cost_usd) AS upstream_cost_usd,
               sum(cost_usd - upstream_cost_usd) AS margin_usd, count(*) AS costed_requests
          FROM usage_records WHERE upstream_cost_usd IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6) AS s
 WHERE r.bucket = s.bucket AND r.tenant_id = s.tenant_id AND r.key_id = s.key_id AND r.model = s.model
   AND r.provider_id = s.provider_id AND r.region = s.region;

UPDATE "usage_rollups_monthly" AS r
   SET upstream_cost_usd = s.upstream_cost_usd, margin_usd = s.margin_usd, costed_requests = s.costed_requests
  FROM (SELECT date_trunc('month', started_at, 'UTC') AS bucket, tenant_id, key_id, model, coalesce(provider_id, '') AS provider_id,
               coalesce(region, '') AS region, sum(upstream_cost_usd) AS upstream_cost_usd,
               sum(cost_usd - upstream_cost_usd) AS margin_usd, count(*) AS costed_requests
          FROM usage_records WHERE upstream_cost_usd IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6) AS s
 WHERE r.bucket = s.bucket AND r.tenant_id = s.tenant_id AND r.key_id = s.key_id AND r.model = s.model
   AND r.provider_id = s.provider_id AND r.region = s.region;
