-- Each indicator with figures, and whose figures they are: the partnerships holding invented demo
-- figures of it, those holding returns they uploaded, and whether any of it is published (DfE, Ofsted).
-- An LA's figures count for its partnership; a partnership's own upload for itself.
WITH partnership_of AS (
    SELECT area_code, partnership_id FROM partnerships
    UNION
    SELECT DISTINCT partnership_id, partnership_id FROM partnerships
)
SELECT i.indicator_id, i.short_name, i.domain,
       count(DISTINCT p.partnership_id) FILTER (o.source = 'demo') AS invented_for,
       count(DISTINCT p.partnership_id) FILTER (o.source = 'local') AS uploaded_for,
       bool_or(o.source = 'published') AS published,
       (SELECT count(DISTINCT partnership_id) FROM partnerships) AS partnerships
FROM observations o
JOIN partnership_of p USING (area_code)
JOIN indicators i USING (indicator_id)
GROUP BY i.indicator_id, i.short_name, i.domain, i.position
ORDER BY i.position
