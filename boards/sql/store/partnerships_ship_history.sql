-- The history row, "as shipped" (no dates, no actor), of each shipped membership of an area with none in force.
INSERT INTO partnership_history
SELECT partnership_id, name, area_code, NULL, NULL, NULL, NULL
FROM shipped
WHERE area_code NOT IN (SELECT area_code FROM partnership_history WHERE valid_to IS NULL)
