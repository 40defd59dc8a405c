-- Every geography whose rows load $load_id wrote or replaced, by kind: 'area' for local authorities
-- and partnerships (figures, and the partnerships of a case review register it loaded), 'benchmark'
-- for the published England and regional figures.
SELECT 'area' AS kind, area_code AS code FROM observations WHERE load_id = $load_id
UNION
SELECT 'area', area_code FROM observation_history WHERE load_id = $load_id OR superseded_by_load = $load_id
UNION
SELECT 'area', s.partnership_id FROM register_snapshots s JOIN loads l USING (file_hash) WHERE l.load_id = $load_id
UNION
SELECT 'benchmark', geography_code FROM published_benchmarks WHERE load_id = $load_id
UNION
SELECT 'benchmark', geography_code FROM benchmark_history WHERE load_id = $load_id OR superseded_by_load = $load_id
ORDER BY kind, code
