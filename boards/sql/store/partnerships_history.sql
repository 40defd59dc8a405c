-- Every membership there has been (NULL valid_from: as shipped; NULL valid_to: in force), newest change first.
SELECT h.partnership_id, h.name, h.area_code, a.name AS area_name, h.valid_from, h.valid_to, h.opened_by,
       h.closed_by
FROM partnership_history h
LEFT JOIN areas a USING (area_code)
ORDER BY greatest(h.valid_from, h.valid_to) DESC NULLS LAST, h.partnership_id, h.area_code,
         h.valid_from NULLS FIRST
