-- A right password for $username: the count of wrong ones cleared (and $password_hash stored when given),
-- unless the account is locked at $now, checked in the same statement so that a lock made by simultaneous
-- wrong passwords is never cleared by a sign-in that read the account before it. Its result is the number of
-- rows updated: 0 when locked (not RETURNING, which DuckDB refuses on a PostgreSQL table).
UPDATE users
SET failed_attempts = 0, locked_until = NULL, password_hash = coalesce($password_hash, password_hash)
WHERE username = $username AND (locked_until IS NULL OR locked_until <= $now)
