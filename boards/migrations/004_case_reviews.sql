-- The case review register: each partnership's reviews, their themes and their recommendations.
-- An upload is a complete snapshot of one or both parts (reviews, recommendations) for each
-- partnership in it, stored whole under the content hash of its file. A partnership's current
-- part is the snapshot of its latest committed load with that hash: the register changes when
-- that load commits, together with the figures derived from it, and a rollback (which marks the
-- load rolled back) brings back the previous snapshot and its figures. Rows of a hash that no
-- committed load holds are never read.
CREATE TABLE register_snapshots (
    file_hash      TEXT NOT NULL,
    partnership_id TEXT NOT NULL,
    part           TEXT NOT NULL,          -- reviews or recommendations
    PRIMARY KEY (file_hash, partnership_id, part)
);

CREATE TABLE case_reviews (
    file_hash           TEXT NOT NULL,
    partnership_id      TEXT NOT NULL,
    review_id           TEXT NOT NULL,
    kind                TEXT NOT NULL,     -- rapid_review, lcspr, legacy_scr
    incident_known_date DATE,              -- the local authority became aware of the serious incident
    notification_date   DATE,              -- serious incident notification to the national panel
    rapid_review_date   DATE,              -- rapid review completed and sent to the panel
    decision_date       DATE,              -- decision to hold the practice review (blank: the rapid review date)
    published_date      DATE,
    PRIMARY KEY (file_hash, partnership_id, review_id)
);

CREATE TABLE case_review_themes (
    file_hash      TEXT NOT NULL,
    partnership_id TEXT NOT NULL,
    review_id      TEXT NOT NULL,
    theme_id       TEXT NOT NULL,          -- data/review_themes.csv
    PRIMARY KEY (file_hash, partnership_id, review_id, theme_id)
);

CREATE TABLE review_recommendations (
    file_hash         TEXT NOT NULL,
    partnership_id    TEXT NOT NULL,
    review_id         TEXT NOT NULL,
    recommendation_id TEXT NOT NULL,
    owner_agency      TEXT NOT NULL,
    due_date          DATE NOT NULL,
    status            TEXT NOT NULL,       -- not_started, in_progress, completed
    completed_date    DATE,
    PRIMARY KEY (file_hash, partnership_id, review_id, recommendation_id)
);
