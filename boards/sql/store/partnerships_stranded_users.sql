-- The users who upload for a partnership that the new footprint (the registered frame `after`) ends.
SELECT partnership_id, string_agg(username, ', ' ORDER BY username) AS usernames
FROM user_partnerships
WHERE partnership_id NOT IN (SELECT partnership_id FROM after)
GROUP BY partnership_id
ORDER BY partnership_id
