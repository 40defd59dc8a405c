-- The observations of keys the database did not have, appended (a MERGE of new and changed rows together
-- would join every new row with the observations only to find it absent).
INSERT INTO observations (area_code, indicator_id, period_id, value, numerator, denominator, status, source,
                          load_id, note)
SELECT area_code, indicator_id, period_id, value, numerator, denominator, status, $source, $load_id, note
FROM staged
WHERE is_new
