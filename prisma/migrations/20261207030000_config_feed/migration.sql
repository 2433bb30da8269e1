-- The cross-region configuration change feed (issue 15, docs/architecture.md §1 "Config feed"):
-- one row per topic of each committed change; regions poll max(id) on their replica.
CREATE TABLE "config_feed" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "config_feed_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "config_feed_at_idx" ON "config_feed"("at");
