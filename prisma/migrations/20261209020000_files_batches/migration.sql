-- OpenAI Files and Batches (issue 17): file metadata, their bytes, batches and their lines.
CREATE TABLE "files" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "storage" TEXT NOT NULL DEFAULT 'db',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "files_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "files_tenant_id_created_at_idx" ON "files"("tenant_id", "created_at");

CREATE TABLE "file_blobs" (
    "file_id" TEXT NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "file_blobs_pkey" PRIMARY KEY ("file_id")
);

CREATE TABLE "batches" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "client_ip" TEXT NOT NULL DEFAULT '',
    "api" TEXT NOT NULL DEFAULT 'openai',
    "endpoint" TEXT NOT NULL,
    "input_file_id" TEXT NOT NULL,
    "completion_window" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "model" TEXT,
    "metadata" JSONB,
    "errors" JSONB,
    "output_file_id" TEXT,
    "error_file_id" TEXT,
    "total" INTEGER NOT NULL DEFAULT 0,
    "completed" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "in_progress_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "finalizing_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "expired_at" TIMESTAMPTZ(3),
    "cancelling_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),

    CONSTRAINT "batches_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "batches_tenant_id_created_at_idx" ON "batches"("tenant_id", "created_at");
CREATE INDEX "batches_status_idx" ON "batches"("status");

CREATE TABLE "batch_lines" (
    "batch_id" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "custom_id" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "result" JSONB,
    "usage" JSONB,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "batch_lines_pkey" PRIMARY KEY ("batch_id", "line")
);
CREATE INDEX "batch_lines_batch_id_state_idx" ON "batch_lines"("batch_id", "state");
