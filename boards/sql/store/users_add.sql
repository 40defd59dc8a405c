-- A new account (its partnerships and audit row are written in the same transaction).
INSERT INTO users (username, display_name, password_hash, role, email, created_at)
VALUES ($username, $display_name, $password_hash, $role, $email, $created_at)
