-- Browser origins (CORS) a tenant's keys may be used from, on top of the server's list (issue 19).
ALTER TABLE "tenants" ADD COLUMN "cors_origins" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
