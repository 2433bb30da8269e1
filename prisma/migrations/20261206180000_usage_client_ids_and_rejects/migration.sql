-- The caller's own id for a request (x-client-request-id, else x-request-id): a correlation
-- field, never unique. request_id stays the gateway's own, minted id (issue 10).
ALTER TABLE "usage_records" ADD COLUMN "client_request_id" TEXT;

-- The admin usage query filters by it.
CREATE INDEX "usage_records_client_request_id_idx" ON "usage_records"("client_request_id");

-- Usage events the ledger refused for their data (not for an outage): set aside once, with the
-- error, so one bad event cannot take its batch with it and is not retried forever.
CREATE TABLE "usage_rejects" (
    "request_id" TEXT NOT NULL,
    "tenant_id" TEXT,
    "event" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "rejected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_rejects_pkey" PRIMARY KEY ("request_id")
);

CREATE INDEX "usage_rejects_rejected_at_idx" ON "usage_rejects"("rejected_at");
