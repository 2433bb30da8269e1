-- A Message Batch's vendor headers (issue 17 gap): the betas named on the create request apply to
-- every request of the batch, as Anthropic documents, so the create request's allowlisted vendor
-- headers are kept with the batch and put on each line's request when it runs (docs/architecture.md,
-- "Files and batches"). Null for batches created before, and always for OpenAI's.

ALTER TABLE "batches" ADD COLUMN IF NOT EXISTS "vendor_headers" JSONB;
