-- The operator's passthrough policy per provider ({"allow": [...], "deny": [...]}): which
-- unmodelled client fields may reach the upstream. {} means the provider family's defaults.
ALTER TABLE "providers" ADD COLUMN "passthrough" JSONB NOT NULL DEFAULT '{}';
