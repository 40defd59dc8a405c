-- $value stored under $key only when the key has no value yet (simultaneous first calls agree on one).
MERGE INTO settings s
USING (SELECT $key AS key, $value AS value) i
ON s.key = i.key
WHEN NOT MATCHED THEN INSERT (key, value) VALUES (i.key, i.value)
