-- Prompt-cache writes are priced apart (Anthropic charges them at 1.25× input) and recorded.
ALTER TABLE "prices" ADD COLUMN "cache_write_per_mtok" DECIMAL(18, 6);
ALTER TABLE "usage_records" ADD COLUMN "cache_write_tokens" INTEGER NOT NULL DEFAULT 0;
