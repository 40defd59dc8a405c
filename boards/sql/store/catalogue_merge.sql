-- The indicator catalogue (the registered frame `incoming`, with each indicator's position in the file)
-- mirrored into `indicators`: every column matched by name, new indicators added.
MERGE INTO indicators
USING incoming USING (indicator_id)
WHEN MATCHED THEN UPDATE BY NAME
WHEN NOT MATCHED THEN INSERT BY NAME
