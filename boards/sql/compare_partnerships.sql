-- Each partnership with its name, the region most of its member LAs are in, and its members.
SELECT p.partnership_id,
       any_value(p.name) AS partnership_name,
       mode(a.region_code ORDER BY a.region_code) AS region_code,
       count(*) AS member_count,
       string_agg(p.area_code, ',' ORDER BY p.area_code) AS member_codes
FROM partnerships p
JOIN areas a USING (area_code)
GROUP BY p.partnership_id
ORDER BY p.partnership_id
