-- Committed loads after $load_id that loaded a register part of a partnership the load wrote the
-- register of: the figures derived then used both parts, so the load cannot be rolled back until
-- they are, or the register and its derived figures would disagree.
SELECT DISTINCT l.load_id, l.file_name, s.partnership_id
FROM loads mine
JOIN register_snapshots m ON m.file_hash = mine.file_hash
JOIN register_snapshots s ON s.partnership_id = m.partnership_id
JOIN loads l ON l.file_hash = s.file_hash AND l.status = 'committed' AND l.load_id > mine.load_id
WHERE mine.load_id = $load_id
ORDER BY l.load_id, s.partnership_id
