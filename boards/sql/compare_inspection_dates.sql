-- Every inspection of every partnership's member LAs: when it finished (its last day, else its first)
-- and when its judgement came into force (publication, else the day it finished). The engine picks,
-- for a quarter's ILACS grade, each member's latest inspection in force by the quarter's end.
SELECT p.partnership_id,
       p.area_code,
       coalesce(i.end_date, i.start_date) AS finished,
       coalesce(i.publication_date, i.end_date, i.start_date) AS in_force
FROM partnerships p
JOIN inspections i USING (area_code)
WHERE coalesce(i.end_date, i.start_date) IS NOT NULL
ORDER BY p.partnership_id, p.area_code, in_force
