-- Issue 16, prices: reasoning and batch rates, a tenant price multiplier, and per usage row the
-- multiplier applied, the upstream cost (for margins) and the batch flag.
ALTER TABLE "prices" ADD COLUMN "reasoning_per_mtok" DECIMAL(18,6),
  ADD COLUMN "batch_input_per_mtok" DECIMAL(18,6),
  ADD COLUMN "batch_output_per_mtok" DECIMAL(18,6);

ALTER TABLE "tenants" ADD COLUMN "price_multiplier" DECIMAL(12,6);

ALTER TABLE "usage_records" ADD COLUMN "price_multiplier" DECIMAL(12,6),
  ADD COLUMN "upstream_cost_usd" DECIMAL(18,9),
  ADD COLUMN "batch" BOOLEAN NOT NULL DEFAULT false;
