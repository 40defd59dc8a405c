-- The record of new load $load_id (the number after the last one, taken by the caller in the same transaction;
-- not RETURNING, which DuckDB refuses on a PostgreSQL table); its row counts are set once its rows are written.
INSERT INTO loads (load_id, loaded_at, loaded_by, file_name, file_hash, source, rows_rejected, note, release)
VALUES ($load_id, $loaded_at, $loaded_by, $file_name, $file_hash, $source, $rows_rejected, $note, $release)
