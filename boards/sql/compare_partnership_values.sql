-- Every partnership's row of every indicator and period it has one for (the engine fills in
-- status 'absent' where it has none: compare_indicator_periods.sql lists what is expected).
-- Rules:
--   * a partnership of one LA takes that LA's row as it is;
--   * a partnership of several LAs takes the row uploaded under its own id when there is one,
--     else combines its members' rows: numerators and denominators summed when every member
--     has both, counts summed, any other value kept only when every member has the same one;
--   * invented: the row holds (or is combined from) the demo's invented figures.
WITH membership AS (
    SELECT partnership_id, count(*) AS member_count, any_value(area_code) AS only_member
    FROM partnerships
    GROUP BY partnership_id
),
single_rows AS (
    SELECT m.partnership_id, o.indicator_id, o.period_id, o.status, o.value, o.numerator,
           o.denominator, o.source = 'demo' AS invented
    FROM membership m
    JOIN observations o ON o.area_code = m.only_member
    WHERE m.member_count = 1
),
member_rows AS (
    SELECT p.partnership_id, o.indicator_id, o.period_id,
           count(*) FILTER (o.status = 'reported') AS reported,
           count(*) FILTER (o.status = 'missing') AS missing,
           min(o.status) FILTER (o.status NOT IN ('reported', 'missing')) AS other_status,
           count(*) FILTER (o.status = 'reported' AND o.numerator IS NOT NULL
                            AND o.denominator IS NOT NULL) AS with_counts,
           sum(o.numerator) AS numerator_sum,
           sum(o.denominator) AS denominator_sum,
           sum(o.value) AS value_sum,
           min(o.value) AS value_min,
           max(o.value) AS value_max,
           bool_or(o.source = 'demo') AS invented
    FROM partnerships p
    JOIN membership m USING (partnership_id)
    JOIN observations o ON o.area_code = p.area_code
    WHERE m.member_count > 1
    GROUP BY p.partnership_id, o.indicator_id, o.period_id
),
combined_rows AS (
    SELECT r.partnership_id, r.indicator_id, r.period_id,
           CASE
               WHEN r.reported = m.member_count THEN
                   CASE WHEN r.with_counts = m.member_count OR i.unit = 'count'
                             OR r.value_min = r.value_max THEN 'reported'
                        ELSE 'x' END            -- the members' values differ and cannot be combined
               WHEN r.missing > 0 THEN 'missing'
               WHEN r.other_status IS NOT NULL THEN r.other_status
               ELSE 'absent'                      -- some members have no row at all
           END AS status,
           CASE
               WHEN r.reported < m.member_count THEN NULL
               WHEN r.with_counts = m.member_count AND r.denominator_sum > 0
                   THEN r.numerator_sum / r.denominator_sum * i.multiplier
               WHEN i.unit = 'count' THEN r.value_sum
               WHEN r.value_min = r.value_max THEN r.value_min
           END AS value,
           CASE WHEN r.with_counts = m.member_count THEN r.numerator_sum END AS numerator,
           CASE WHEN r.with_counts = m.member_count THEN r.denominator_sum END AS denominator,
           r.invented
    FROM member_rows r
    JOIN membership m USING (partnership_id)
    JOIN indicators i USING (indicator_id)
),
own_rows AS (
    SELECT o.area_code AS partnership_id, o.indicator_id, o.period_id, o.status, o.value,
           o.numerator, o.denominator, o.source = 'demo' AS invented
    FROM observations o
    JOIN membership m ON m.partnership_id = o.area_code
    WHERE m.member_count > 1 AND o.area_code NOT IN (SELECT area_code FROM areas)
)
SELECT * FROM single_rows
UNION ALL
SELECT * FROM own_rows
UNION ALL
-- a partnership's own upload takes precedence over its members' rows
SELECT c.* FROM combined_rows c
ANTI JOIN own_rows o USING (partnership_id, indicator_id, period_id)
