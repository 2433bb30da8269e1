-- What switchyard.yaml declares under configOwnership: file (issue 19): read-only in the admin API.
CREATE TABLE "config_ownership" (
    "entity" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    CONSTRAINT "config_ownership_pkey" PRIMARY KEY ("entity","entity_id")
);
