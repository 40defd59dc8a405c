-- The rows load $load_id left out, with why (the registered frame `incoming_problems`).
INSERT INTO load_problems (load_id, line, column_name, value, reason)
SELECT $load_id, line, column_name, value, reason
FROM incoming_problems
