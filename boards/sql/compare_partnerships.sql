-- Each partnership with its name, the region most of its member LAs are in, its members, and the
-- children aged 0 to 17 its members hold (each member's latest mid-year estimate).
WITH latest_population AS (
    SELECT area_code, arg_max(population_0_17, year) AS children
    FROM area_population
    GROUP BY area_code
)
SELECT p.partnership_id,
       any_value(p.name) AS partnership_name,
       mode(a.region_code ORDER BY a.region_code) AS region_code,
       count(*) AS member_count,
       string_agg(p.area_code, ',' ORDER BY p.area_code) AS member_codes,
       sum(lp.children) AS children
FROM partnerships p
JOIN areas a USING (area_code)
LEFT JOIN latest_population lp USING (area_code)
GROUP BY p.partnership_id
ORDER BY p.partnership_id
