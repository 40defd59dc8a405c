-- Changes whenever a load is committed or rolled back, or a partnership is edited (each edit adds history
-- rows): the key of cached comparisons.
SELECT count(*), count(rolled_back_at), (SELECT count(*) FROM partnership_history)
FROM loads
