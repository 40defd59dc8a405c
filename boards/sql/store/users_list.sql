-- Every account without its password hash, with its partnerships.
SELECT u.username, u.display_name, u.role, u.active, u.failed_attempts, u.locked_until, u.email, u.created_at,
       string_agg(p.partnership_id, ', ' ORDER BY p.partnership_id) AS partnerships
FROM users u
LEFT JOIN user_partnerships p USING (username)
GROUP BY ALL
ORDER BY u.username
