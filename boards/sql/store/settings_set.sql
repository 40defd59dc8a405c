-- $value stored under $key, replacing any value it had.
MERGE INTO settings s
USING (SELECT $key AS key, $value AS value) i
ON s.key = i.key
WHEN MATCHED THEN UPDATE SET value = i.value
WHEN NOT MATCHED THEN INSERT (key, value) VALUES (i.key, i.value)
