-- The new and changed published benchmarks written by load $load_id.
MERGE INTO published_benchmarks b
USING (SELECT * FROM staged_benchmarks WHERE is_new OR is_changed) i
ON b.geography_code = i.geography_code AND b.indicator_id = i.indicator_id AND b.period_id = i.period_id
WHEN MATCHED THEN UPDATE SET value = i.value, numerator = i.numerator, denominator = i.denominator,
    status = i.status, load_id = $load_id
WHEN NOT MATCHED THEN INSERT (geography_code, indicator_id, period_id, value, numerator, denominator, status,
                              load_id)
    VALUES (i.geography_code, i.indicator_id, i.period_id, i.value, i.numerator, i.denominator, i.status,
            $load_id)
