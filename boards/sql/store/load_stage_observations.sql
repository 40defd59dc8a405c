-- Each incoming observation (the registered frame `incoming`) against the current one of its key: new when
-- there is none, changed when any stored field differs, the source it came from ($source) included.
SELECT i.*,
       o.area_code IS NULL AS is_new,
       o.area_code IS NOT NULL AND (
           o.value IS DISTINCT FROM i.value OR o.numerator IS DISTINCT FROM i.numerator
           OR o.denominator IS DISTINCT FROM i.denominator OR o.status IS DISTINCT FROM i.status
           OR o.note IS DISTINCT FROM i.note OR o.source IS DISTINCT FROM $source
       ) AS is_changed
FROM incoming i
LEFT JOIN observations o USING (area_code, indicator_id, period_id)
