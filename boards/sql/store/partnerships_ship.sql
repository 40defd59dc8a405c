-- The shipped partnership (the registered frame `shipped`, data/partnerships.csv) of each area in none.
INSERT INTO partnerships (partnership_id, name, area_code)
SELECT partnership_id, name, area_code
FROM shipped
WHERE area_code NOT IN (SELECT area_code FROM partnerships)
