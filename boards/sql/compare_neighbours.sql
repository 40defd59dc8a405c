-- Each partnership's statistical neighbours: the partnerships that hold the DfE statistical
-- neighbours of its member LAs, other than itself (ten for a partnership of one LA).
SELECT DISTINCT p.partnership_id, q.partnership_id AS neighbour_id
FROM partnerships p
JOIN statistical_neighbours n ON n.area_code = p.area_code
JOIN partnerships q ON q.area_code = n.neighbour_code
WHERE q.partnership_id <> p.partnership_id
ORDER BY p.partnership_id, neighbour_id
