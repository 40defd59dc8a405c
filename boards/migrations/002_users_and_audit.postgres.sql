-- PostgreSQL's form of 002_users_and_audit.sql (the shared store): DuckDB cannot create sequences in a PostgreSQL database,
-- so ids are plain keys here from the start (the store sets them itself since migration 006); otherwise the same.
-- Users, the partnerships they may upload for, and the append-only audit trail.
CREATE TABLE users (
    username        TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    password_hash   TEXT,                  -- argon2id; NULL for single-sign-on only accounts
    role            TEXT NOT NULL,         -- viewer, uploader, analyst, admin
    active          BOOLEAN NOT NULL DEFAULT true,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP,             -- UTC
    email           TEXT,                  -- matched against the identity provider's email
    created_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE user_partnerships (
    username       TEXT NOT NULL,
    partnership_id TEXT NOT NULL,
    PRIMARY KEY (username, partnership_id)
);


-- Written only by Store.append_audit and in the same transaction as the change it records.
CREATE TABLE audit_log (
    audit_id    BIGINT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,        -- UTC
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT,
    detail      TEXT
);
