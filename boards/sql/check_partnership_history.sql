-- Partnerships against their history: a membership in force that the history does not hold open (or the
-- reverse), and a current LA in no partnership or in more than one.
SELECT area_code, 'is in ' || partnership_id || ' with no open history row' AS problem
FROM (SELECT partnership_id, name, area_code FROM partnerships
      EXCEPT SELECT partnership_id, name, area_code FROM partnership_history WHERE valid_to IS NULL)
UNION ALL
SELECT area_code, 'has an open history row in ' || partnership_id || ' but is not in it'
FROM (SELECT partnership_id, name, area_code FROM partnership_history WHERE valid_to IS NULL
      EXCEPT SELECT partnership_id, name, area_code FROM partnerships)
UNION ALL
SELECT area_code, 'is in no partnership' FROM areas WHERE area_code NOT IN (SELECT area_code FROM partnerships)
UNION ALL
SELECT area_code, 'is in ' || count(*) || ' partnerships' FROM partnerships GROUP BY area_code HAVING count(*) > 1
ORDER BY ALL
