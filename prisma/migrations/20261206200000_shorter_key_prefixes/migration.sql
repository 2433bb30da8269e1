-- Key prefixes kept in clear shrink to the family prefix (`sk-`, or `sk-<word>-` such as
-- `sk-sy-`) and at most 8 characters after it, 12 in all (issue 10): the same rule as
-- keyPrefix() in libs/db/src/key-hash.ts, so the next apply finds file keys unchanged. A stored
-- prefix is the key's first 12 characters, which hold the whole family prefix whenever the key
-- has one, so the rule gives the same answer on it as on the key.
UPDATE "virtual_keys"
SET "prefix" = left("prefix", least(12, coalesce(length(substring("prefix" from '^sk-(?:[a-z]{2,8}-)?')), 0) + 8));

UPDATE "virtual_keys"
SET "previous_prefix" = left("previous_prefix", least(12, coalesce(length(substring("previous_prefix" from '^sk-(?:[a-z]{2,8}-)?')), 0) + 8))
WHERE "previous_prefix" IS NOT NULL;

UPDATE "retired_key_hashes"
SET "prefix" = left("prefix", least(12, coalesce(length(substring("prefix" from '^sk-(?:[a-z]{2,8}-)?')), 0) + 8));
