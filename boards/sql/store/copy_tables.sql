-- The tables of one attached database (`boards copy`'s source, or the destination itself), each with its
-- columns in name order: what a copy writes and what its checksums hash, whatever order the columns were
-- created in.
SELECT table_name, list(column_name ORDER BY column_name) AS columns
FROM duckdb_columns()
WHERE database_name = $database AND schema_name = 'main'
GROUP BY table_name
ORDER BY table_name
