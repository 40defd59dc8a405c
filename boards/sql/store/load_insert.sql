-- The record of a new load, numbered after the last one; its row counts are set once its rows are written.
INSERT INTO loads (load_id, loaded_at, loaded_by, file_name, file_hash, source, rows_rejected, note, release)
SELECT coalesce(max(load_id), 0) + 1, $loaded_at, $loaded_by, $file_name, $file_hash, $source, $rows_rejected,
       $note, $release
FROM loads
RETURNING load_id
