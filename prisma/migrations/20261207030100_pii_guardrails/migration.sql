-- PII guardrails per tenant and per key (issue 18; docs/architecture.md, "PII guardrails").
ALTER TABLE "tenants" ADD COLUMN "guardrails" JSONB;
ALTER TABLE "virtual_keys" ADD COLUMN "guardrails" JSONB;
