-- Current figures and benchmarks that no committed load wrote.
SELECT 'observations' AS table_name, count(*) AS found
FROM observations o LEFT JOIN loads l ON l.load_id = o.load_id AND l.status = 'committed'
WHERE l.load_id IS NULL
UNION ALL
SELECT 'published_benchmarks', count(*)
FROM published_benchmarks b LEFT JOIN loads l ON l.load_id = b.load_id AND l.status = 'committed'
WHERE l.load_id IS NULL
