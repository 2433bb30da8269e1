-- The prepaid-credit ledger (issue 16): append-only top-ups, adjustments and refunds.
CREATE TABLE "credit_entries" (
    "id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "amount_usd" DECIMAL(18,9) NOT NULL,
    "kind" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "credit_entries_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "credit_entries_tenant_id_created_at_idx" ON "credit_entries"("tenant_id", "created_at");
