-- Share-mode budgets across regions (issue 15): per-region allowances published by billing's rebalancing job.
CREATE TABLE "budget_allowances" (
    "scope" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "allowance_usd" DECIMAL(18,9) NOT NULL,
    "budget_usd" DECIMAL(18,9) NOT NULL,
    "spent_usd" DECIMAL(18,9) NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "budget_allowances_pkey" PRIMARY KEY ("scope","period","region")
);

CREATE INDEX "budget_allowances_region_period_idx" ON "budget_allowances"("region", "period");
