-- File expiry (issue 17): a batch's output_expires_after, applied to the output and error files it
-- writes, and an index for the sweep that deletes expired files (docs/architecture.md, "Files and
-- batches"). files.expires_at existed already (always null until now).

ALTER TABLE "batches" ADD COLUMN IF NOT EXISTS "output_expires_seconds" INTEGER;

CREATE INDEX IF NOT EXISTS "files_expires_at_idx" ON "files"("expires_at");
