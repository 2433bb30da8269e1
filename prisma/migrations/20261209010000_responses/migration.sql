-- Stored answers of the Responses API (issue 17): the Response object, its input items and the
-- conversation before them, per tenant; expired rows are pruned by the ingress that stores them.
CREATE TABLE "responses" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "input_items" JSONB NOT NULL,
    "history" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "responses_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "responses_tenant_id_idx" ON "responses"("tenant_id");
CREATE INDEX "responses_expires_at_idx" ON "responses"("expires_at");

ALTER TABLE "responses" ADD CONSTRAINT "responses_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
