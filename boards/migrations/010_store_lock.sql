-- One row that every write transaction updates first. On a shared store (PostgreSQL, where DuckDB runs each
-- transaction at REPEATABLE READ) writers from different processes then take turns: a second writer waits on
-- the row, fails to serialise once the first commits, and begins again with a snapshot that includes it, so
-- what it reads (the next load or audit id, a sign-in counter) is current. Harmless on a file, which one
-- process holds. `writes` counts the write transactions.
CREATE TABLE store_lock (
    id     INTEGER PRIMARY KEY,
    writes BIGINT NOT NULL
);
INSERT INTO store_lock VALUES (1, 0);
