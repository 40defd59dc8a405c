-- The release a load of published figures came from (boards/imports/releases.py): the latest period the
-- DfE file covers, as a period id ("2024-25", "Sep 2025"), so that an older release cannot silently replace
-- the revised figures of a newer one. NULL for local returns, the demo's invented figures and loads made
-- before releases were recorded. Rebuilt as migration 006 rebuilt it, not altered in place, so that no
-- log ever holds an ALTER of this table.
CREATE TABLE loads_rebuilt (
    load_id        BIGINT PRIMARY KEY,
    loaded_at      TIMESTAMP NOT NULL,     -- UTC
    loaded_by      TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    file_hash      TEXT,
    source         TEXT NOT NULL,          -- published, local, demo
    rows_added     BIGINT NOT NULL DEFAULT 0,
    rows_changed   BIGINT NOT NULL DEFAULT 0,
    rows_unchanged BIGINT NOT NULL DEFAULT 0,
    rows_rejected  BIGINT NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'committed',   -- committed, rolled_back
    note           TEXT,
    rolled_back_at TIMESTAMP,              -- UTC
    rolled_back_by TEXT,
    release        TEXT                    -- published figures: the latest period the release covers
);
INSERT INTO loads_rebuilt
SELECT load_id, loaded_at, loaded_by, file_name, file_hash, source, rows_added, rows_changed, rows_unchanged,
       rows_rejected, status, note, rolled_back_at, rolled_back_by, NULL
FROM loads;
DROP TABLE loads;
ALTER TABLE loads_rebuilt RENAME TO loads;
