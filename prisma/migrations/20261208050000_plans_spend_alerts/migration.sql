-- Billing plans and spend alerts (issue 16). A plan is read by admission (stop at the included
-- usage) and by statements (fee, included, overage), so it is a table of its own, not tenant columns.
CREATE TABLE "plans" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "monthly_fee_usd" DECIMAL(18,9) NOT NULL DEFAULT 0,
    "included_usd" DECIMAL(18,9),
    "included_tokens" BIGINT,
    "overage" TEXT NOT NULL DEFAULT 'price',
    "overage_multiplier" DECIMAL(18,9),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "plans_pkey" PRIMARY KEY ("id"),
    -- One unit of included usage: a plan counts dollars or tokens, never both.
    CONSTRAINT "plans_included_one_unit" CHECK ("included_usd" IS NULL OR "included_tokens" IS NULL),
    CONSTRAINT "plans_overage_kind" CHECK ("overage" IN ('price', 'stop')),
    CONSTRAINT "plans_amounts_non_negative" CHECK ("monthly_fee_usd" >= 0 AND COALESCE("included_usd", 0) >= 0 AND COALESCE("included_tokens", 0) >= 0 AND COALESCE("overage_multiplier", 0) >= 0)
);

ALTER TABLE "tenants" ADD COLUMN "plan_id" TEXT;
ALTER TABLE "tenants" ADD COLUMN "spend_alerts" INTEGER[] NOT NULL DEFAULT ARRAY[]::INTEGER[];
-- A plan in use cannot be deleted: its tenants would silently lose their included usage or stop.
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "tenants_plan_id_idx" ON "tenants"("plan_id");
