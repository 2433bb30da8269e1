-- Request audit and residency (issue 18, docs/architecture.md "Request audit and residency").

-- Where a request's data went: the serving (or last tried) deployment's region.
ALTER TABLE "usage_records" ADD COLUMN "deployment_region" TEXT;

-- Tenant opt-in: keep bodies (after masking, sealed). Off for every existing tenant.
ALTER TABLE "tenants" ADD COLUMN "audit_capture_bodies" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "request_audit" (
    "request_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "client_ip" TEXT,
    "client_request_id" TEXT,
    "endpoint" TEXT NOT NULL,
    "dialect" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "provider_id" TEXT,
    "deployment_id" TEXT,
    "deployment_region" TEXT,
    "data_regions" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "region" TEXT,
    "outcome" TEXT NOT NULL,
    "http_status" INTEGER NOT NULL,
    "error_kind" TEXT,
    "pii_action" TEXT,
    "pii_categories" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "request_body" TEXT,
    "response_body" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "request_audit_pkey" PRIMARY KEY ("request_id")
);

-- Listing newest first (all tenants, or one) and the retention's deletes by age.
CREATE INDEX "request_audit_started_at_idx" ON "request_audit"("started_at");
CREATE INDEX "request_audit_tenant_id_started_at_idx" ON "request_audit"("tenant_id", "started_at");
