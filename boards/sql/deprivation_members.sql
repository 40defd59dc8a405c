-- Each partnership's member LAs with their children aged 0 to 17 (the latest ONS mid-year estimate):
-- the weights of a partnership's deprivation when it covers several LAs.
SELECT p.partnership_id,
       p.area_code,
       pop.population_0_17
FROM partnerships p
LEFT JOIN area_population pop
       ON pop.area_code = p.area_code AND pop.year = (SELECT max(year) FROM area_population)
ORDER BY p.partnership_id, p.area_code
