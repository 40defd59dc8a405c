-- Every code and name that resolves to a current LA: the 2019 deprivation rows are matched through them.
SELECT alias_key, alias, area_code, kind
FROM area_aliases
ORDER BY alias_key, area_code
