-- Usage rollups per UTC hour, day and month (issue 16): billing keeps them in the statement that inserts
-- the raw usage rows, so reports and statements never scan usage_records, and retention may
-- delete raw rows without changing a report. Absent provider or region is '' so the key covers it.
CREATE TABLE "usage_rollups_hourly" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "provider_id" TEXT NOT NULL DEFAULT '',
    "region" TEXT NOT NULL DEFAULT '',
    "requests" BIGINT NOT NULL DEFAULT 0,
    "errors" BIGINT NOT NULL DEFAULT 0,
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "cached_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "reasoning_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_tokens" BIGINT NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(18,9) NOT NULL DEFAULT 0,

    CONSTRAINT "usage_rollups_hourly_pkey" PRIMARY KEY ("bucket","tenant_id","key_id","model","provider_id","region")
);

CREATE TABLE "usage_rollups_daily" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "provider_id" TEXT NOT NULL DEFAULT '',
    "region" TEXT NOT NULL DEFAULT '',
    "requests" BIGINT NOT NULL DEFAULT 0,
    "errors" BIGINT NOT NULL DEFAULT 0,
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "cached_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "reasoning_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_tokens" BIGINT NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(18,9) NOT NULL DEFAULT 0,

    CONSTRAINT "usage_rollups_daily_pkey" PRIMARY KEY ("bucket","tenant_id","key_id","model","provider_id","region")
);

CREATE TABLE "usage_rollups_monthly" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "provider_id" TEXT NOT NULL DEFAULT '',
    "region" TEXT NOT NULL DEFAULT '',
    "requests" BIGINT NOT NULL DEFAULT 0,
    "errors" BIGINT NOT NULL DEFAULT 0,
    "input_tokens" BIGINT NOT NULL DEFAULT 0,
    "output_tokens" BIGINT NOT NULL DEFAULT 0,
    "cached_input_tokens" BIGINT NOT NULL DEFAULT 0,
    "reasoning_tokens" BIGINT NOT NULL DEFAULT 0,
    "cache_write_tokens" BIGINT NOT NULL DEFAULT 0,
    "cost_usd" DECIMAL(18,9) NOT NULL DEFAULT 0,

    CONSTRAINT "usage_rollups_monthly_pkey" PRIMARY KEY ("bucket","tenant_id","key_id","model","provider_id","region")
);

CREATE INDEX "usage_rollups_hourly_tenant_id_bucket_idx" ON "usage_rollups_hourly"("tenant_id", "bucket");
CREATE INDEX "usage_rollups_daily_tenant_id_bucket_idx" ON "usage_rollups_daily"("tenant_id", "bucket");
CREATE INDEX "usage_rollups_monthly_tenant_id_bucket_idx" ON "usage_rollups_monthly"("tenant_id", "bucket");

-- The rows recorded before this migration, so rollups equal the raw rows from the start.
INSERT INTO "usage_rollups_hourly"
SELECT date_trunc('hour', started_at, 'UTC'), tenant_id, key_id, model, coalesce(provider_id, ''), coalesce(region, ''),
       count(*), count(*) FILTER (WHERE status = 'error'), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
       sum(reasoning_tokens), sum(cache_write_tokens), sum(cost_usd)
  FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO "usage_rollups_daily"
SELECT date_trunc('day', started_at, 'UTC'), tenant_id, key_id, model, coalesce(provider_id, ''), coalesce(region, ''),
       count(*), count(*) FILTER (WHERE status = 'error'), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
       sum(reasoning_tokens), sum(cache_write_tokens), sum(cost_usd)
  FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO "usage_rollups_monthly"
SELECT date_trunc('month', started_at, 'UTC'), tenant_id, key_id, model, coalesce(provider_id, ''), coalesce(region, ''),
       count(*), count(*) FILTER (WHERE status = 'error'), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
       sum(reasoning_tokens), sum(cache_write_tokens), sum(cost_usd)
  FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6;
