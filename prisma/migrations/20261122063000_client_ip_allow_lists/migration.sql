-- Client IP ranges (CIDR or single addresses) a key and a tenant may be used from; empty = any.
ALTER TABLE "virtual_keys" ADD COLUMN "allowed_ips" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "tenants" ADD COLUMN "allowed_ips" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
