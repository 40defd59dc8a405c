-- The indicator catalogue columns the comparison uses, in catalogue order.
SELECT indicator_id, position, name, short_name, domain, unit, polarity, multiplier, min_value,
       max_value, decimals, frequency, period_type
FROM indicators
ORDER BY position
