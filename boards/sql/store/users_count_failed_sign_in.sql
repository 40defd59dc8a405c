-- One more wrong password for $username, counted by the database in one statement so that simultaneous
-- attempts each count; the count reaching $lockout_attempts locks the account until $lock_until. No RETURNING:
-- DuckDB refuses it on a PostgreSQL table, so the caller reads the count back in the same transaction.
UPDATE users
SET failed_attempts = failed_attempts + 1,
    locked_until = CASE WHEN failed_attempts + 1 >= $lockout_attempts THEN $lock_until ELSE locked_until END
WHERE username = $username
