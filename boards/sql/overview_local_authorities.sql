-- Every LA with its type, its place on the hex map of England and the partnership it belongs to:
-- the Overview's map (hexes are LAs, coloured by their partnership) and its LA type filter.
SELECT a.area_code,
       a.name,
       a.la_type,
       a.region_code,
       a.hex_q,
       a.hex_r,
       p.partnership_id
FROM areas a
JOIN partnerships p USING (area_code)
ORDER BY a.area_code
