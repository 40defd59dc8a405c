-- Imports: undoing a load exactly, and what a partial load left out.
ALTER TABLE loads ADD COLUMN rolled_back_at TIMESTAMP;   -- UTC
ALTER TABLE loads ADD COLUMN rolled_back_by TEXT;

-- Published benchmarks that a later load replaced, so that rolling that load back restores them.
CREATE TABLE benchmark_history (
    geography_code     TEXT NOT NULL,
    indicator_id       TEXT NOT NULL,
    period_id          TEXT NOT NULL,
    value              DOUBLE,
    numerator          DOUBLE,
    denominator        DOUBLE,
    status             TEXT NOT NULL,
    load_id            BIGINT NOT NULL,
    superseded_by_load BIGINT NOT NULL,
    superseded_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Rows a load left out (the uploader chose to import only the valid rows), with the reason.
CREATE TABLE load_problems (
    load_id     BIGINT NOT NULL,
    line        BIGINT,                -- line of the file (row of the sheet); NULL for the whole file
    column_name TEXT,
    value       TEXT,
    reason      TEXT NOT NULL
);
