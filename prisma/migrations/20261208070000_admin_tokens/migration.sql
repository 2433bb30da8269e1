-- Named admin API tokens with roles (issue 18): hashed like virtual keys, revoked in place.
CREATE TABLE "admin_tokens" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "tenant_id" TEXT,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "admin_tokens_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "admin_tokens_role_check" CHECK ("role" IN ('platform', 'tenant', 'read-only')),
    -- A tenant token names its tenant; the others name none.
    CONSTRAINT "admin_tokens_tenant_check" CHECK (("role" = 'tenant') = ("tenant_id" IS NOT NULL))
);

CREATE UNIQUE INDEX "admin_tokens_name_key" ON "admin_tokens"("name");
CREATE UNIQUE INDEX "admin_tokens_hash_key" ON "admin_tokens"("hash");
CREATE INDEX "admin_tokens_tenant_id_idx" ON "admin_tokens"("tenant_id");

ALTER TABLE "admin_tokens" ADD CONSTRAINT "admin_tokens_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
