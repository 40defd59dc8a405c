-- PostgreSQL's form of 006_no_function_defaults.sql (the shared store): the same tables rebuilt, without the
-- DROP SEQUENCEs, since on PostgreSQL migrations 001 and 002 made no sequences.
-- No column default calls a function. DuckDB 1.5.5 cannot replay a write-ahead log in which an
-- ALTER TABLE (or CREATE TABLE) names a table whose defaults call a function (nextval, current_timestamp):
-- the replay fails with "Calling DatabaseManager::GetDefaultDatabase with no default database set" and
-- the database never opens again (duckdb/duckdb issues 18259, 20543, 22044, 22124). The store now sets
-- ids and timestamps itself, so these tables are rebuilt without such defaults and the sequences go.
-- Load ids keep their values; audit ids are renumbered 1, 2, 3... in their order, since a sequence
-- skipped the ids of rolled-back transactions and an unbroken trail is now checked by `boards check`.
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
    rolled_back_by TEXT
);
INSERT INTO loads_rebuilt
SELECT load_id, loaded_at, loaded_by, file_name, file_hash, source, rows_added, rows_changed, rows_unchanged,
       rows_rejected, status, note, rolled_back_at, rolled_back_by
FROM loads;
DROP TABLE loads;
ALTER TABLE loads_rebuilt RENAME TO loads;

CREATE TABLE audit_log_rebuilt (
    audit_id    BIGINT PRIMARY KEY,        -- 1, 2, 3... without gaps
    occurred_at TIMESTAMP NOT NULL,        -- UTC
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT,
    detail      TEXT
);
INSERT INTO audit_log_rebuilt
SELECT row_number() OVER (ORDER BY audit_id), occurred_at, actor, action, target, detail FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_rebuilt RENAME TO audit_log;

CREATE TABLE users_rebuilt (
    username        TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    password_hash   TEXT,                  -- argon2id; NULL for single-sign-on only accounts
    role            TEXT NOT NULL,         -- viewer, uploader, analyst, admin
    active          BOOLEAN NOT NULL DEFAULT true,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP,             -- UTC
    email           TEXT,                  -- matched against the identity provider's email
    created_at      TIMESTAMP NOT NULL     -- UTC
);
INSERT INTO users_rebuilt SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;

CREATE TABLE observation_history_rebuilt (
    area_code          TEXT NOT NULL,
    indicator_id       TEXT NOT NULL,
    period_id          TEXT NOT NULL,
    value              DOUBLE,
    numerator          DOUBLE,
    denominator        DOUBLE,
    status             TEXT NOT NULL,
    source             TEXT NOT NULL,
    load_id            BIGINT NOT NULL,
    note               TEXT,
    superseded_by_load BIGINT NOT NULL,
    superseded_at      TIMESTAMP NOT NULL  -- UTC
);
INSERT INTO observation_history_rebuilt SELECT * FROM observation_history;
DROP TABLE observation_history;
ALTER TABLE observation_history_rebuilt RENAME TO observation_history;

CREATE TABLE benchmark_history_rebuilt (
    geography_code     TEXT NOT NULL,
    indicator_id       TEXT NOT NULL,
    period_id          TEXT NOT NULL,
    value              DOUBLE,
    numerator          DOUBLE,
    denominator        DOUBLE,
    status             TEXT NOT NULL,
    load_id            BIGINT NOT NULL,
    superseded_by_load BIGINT NOT NULL,
    superseded_at      TIMESTAMP NOT NULL  -- UTC
);
INSERT INTO benchmark_history_rebuilt SELECT * FROM benchmark_history;
DROP TABLE benchmark_history;
ALTER TABLE benchmark_history_rebuilt RENAME TO benchmark_history;
