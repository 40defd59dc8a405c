-- The footprint in force: one row per member local authority of each partnership.
SELECT p.partnership_id, p.name, p.area_code, a.name AS area_name
FROM partnerships p
LEFT JOIN areas a USING (area_code)
ORDER BY p.partnership_id, p.area_code
