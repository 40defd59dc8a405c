-- What belonged to what, when: each row is one LA's membership of one partnership under one name, from
-- valid_from to valid_to. `partnerships` keeps the footprint in force (what the comparison reads); an
-- administrator's edit (boards/partnerships.py) closes the rows it ends and opens the rows it begins, in the
-- transaction that changes `partnerships` and writes the audit row. No column default calls a function
-- (see migration 006); the store sets the times itself.
CREATE TABLE partnership_history (
    partnership_id TEXT NOT NULL,
    name           TEXT NOT NULL,
    area_code      TEXT NOT NULL,
    valid_from     TIMESTAMP,              -- UTC; NULL: as data/partnerships.csv ships it, from before history was kept
    valid_to       TIMESTAMP,              -- UTC; NULL while it holds
    opened_by      TEXT,                   -- the administrator whose edit began it; NULL: data/partnerships.csv
    closed_by      TEXT                    -- the administrator whose edit ended it
);
INSERT INTO partnership_history
SELECT partnership_id, name, area_code, NULL, NULL, NULL, NULL FROM partnerships;
