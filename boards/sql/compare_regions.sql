-- The regions, for the names of regional benchmarks.
SELECT region_code, region_name FROM regions ORDER BY region_code
