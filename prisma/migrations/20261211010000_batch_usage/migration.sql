-- A batch's token usage (issue 17 gap): OpenAI's Batch object carries `usage`, the sum over its
-- lines. Kept on the batch row, added to as each line finishes (docs/architecture.md, "Files and
-- batches"), so a retrieve or list reads four columns instead of summing every line.

ALTER TABLE "batches" ADD COLUMN IF NOT EXISTS "input_tokens" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "batches" ADD COLUMN IF NOT EXISTS "cached_input_tokens" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "batches" ADD COLUMN IF NOT EXISTS "output_tokens" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "batches" ADD COLUMN IF NOT EXISTS "reasoning_tokens" BIGINT NOT NULL DEFAULT 0;

-- Batches that ran before: their lines kept each usage event (batch_lines.usage, its `usage`
-- field as the IR names it), summed once here.
UPDATE "batches" AS b
SET "input_tokens" = s.input, "cached_input_tokens" = s.cached, "output_tokens" = s.output, "reasoning_tokens" = s.reasoning
FROM (
  SELECT "batch_id",
    COALESCE(SUM(("usage"->'usage'->>'inputTokens')::bigint), 0) AS input,
    COALESCE(SUM(("usage"->'usage'->>'cachedInputTokens')::bigint), 0) AS cached,
    COALESCE(SUM(("usage"->'usage'->>'outputTokens')::bigint), 0) AS output,
    COALESCE(SUM(("usage"->'usage'->>'reasoningTokens')::bigint), 0) AS reasoning
  FROM "batch_lines"
  WHERE "usage" IS NOT NULL
  GROUP BY "batch_id"
) AS s
WHERE b."id" = s."batch_id";
