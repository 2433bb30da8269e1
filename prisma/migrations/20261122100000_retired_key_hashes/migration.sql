-- Secrets taken out of service through the admin API (a key deleted, or a rotated key's previous
-- secret dropped), so `switchyard apply` with a stale file cannot bring them back as new keys.
CREATE TABLE "retired_key_hashes" (
    "hash" TEXT NOT NULL,
    "key_id" UUID NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "retired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "retired_key_hashes_pkey" PRIMARY KEY ("hash")
);
