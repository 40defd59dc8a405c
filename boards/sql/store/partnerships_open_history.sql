-- Memberships of the new footprint (`after`) not in force until now begin at $at, by $actor.
INSERT INTO partnership_history
SELECT a.partnership_id, a.name, a.area_code, $at, NULL, $actor, NULL
FROM after a
WHERE NOT EXISTS (
    SELECT 1 FROM partnerships p
    WHERE p.partnership_id = a.partnership_id AND p.name = a.name AND p.area_code = a.area_code
)
