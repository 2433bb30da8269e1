-- Tenant opt-in content capture (docs/architecture.md §9, Traces): off for every existing tenant.
ALTER TABLE "tenants" ADD COLUMN "capture_content" BOOLEAN NOT NULL DEFAULT false;
