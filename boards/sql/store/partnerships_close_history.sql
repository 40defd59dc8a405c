-- Memberships in force that the new footprint (`after`) no longer has end at $at, by $actor.
UPDATE partnership_history h
SET valid_to = $at, closed_by = $actor
WHERE valid_to IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM after a
      WHERE a.partnership_id = h.partnership_id AND a.name = h.name AND a.area_code = h.area_code
  )
