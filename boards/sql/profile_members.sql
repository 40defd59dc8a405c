-- The LAs a partnership covers ($partnership_id), with their region: one row per member LA.
SELECT p.partnership_id,
       p.name AS partnership_name,
       a.area_code,
       a.name AS area_name,
       a.region_code,
       r.region_name
FROM partnerships p
JOIN areas a USING (area_code)
LEFT JOIN regions r USING (region_code)
WHERE p.partnership_id = $partnership_id
ORDER BY a.name
