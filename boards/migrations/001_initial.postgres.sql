-- PostgreSQL's form of 001_initial.sql (the shared store): DuckDB cannot create sequences in a PostgreSQL database,
-- so ids are plain keys here from the start (the store sets them itself since migration 006); otherwise the same.
-- Reference data: areas, their aliases, population, statistical neighbours, partnerships.
CREATE TABLE regions (
    region_code TEXT PRIMARY KEY,
    region_name TEXT NOT NULL
);

CREATE TABLE areas (
    area_code   TEXT PRIMARY KEY,          -- current ONS code (E06/E08/E09/E10)
    old_code    TEXT NOT NULL,             -- DfE 3-digit LA code
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL,
    la_type     TEXT NOT NULL,
    hex_q       INTEGER,
    hex_r       INTEGER
);

-- Codes and names that resolve to current areas; one alias may cover several (Cumbria).
CREATE TABLE area_aliases (
    alias_key TEXT NOT NULL,
    alias     TEXT NOT NULL,
    area_code TEXT NOT NULL,
    kind      TEXT NOT NULL,
    PRIMARY KEY (alias_key, area_code)
);

CREATE TABLE area_population (
    area_code       TEXT NOT NULL,
    year            INTEGER NOT NULL,      -- ONS mid-year estimate
    population_0_17 BIGINT NOT NULL,
    PRIMARY KEY (area_code, year)
);

CREATE TABLE statistical_neighbours (
    area_code      TEXT NOT NULL,
    rank           INTEGER NOT NULL,
    neighbour_code TEXT NOT NULL,
    closeness      TEXT NOT NULL,
    PRIMARY KEY (area_code, rank)
);

CREATE TABLE partnerships (
    partnership_id TEXT NOT NULL,
    name           TEXT NOT NULL,
    area_code      TEXT NOT NULL,
    PRIMARY KEY (partnership_id, area_code)
);

CREATE TABLE inspections (
    area_code        TEXT NOT NULL,
    inspection_type  TEXT,
    start_date       DATE,
    end_date         DATE,
    publication_date DATE,
    overall_grade    INTEGER,
    overall_label    TEXT,
    source           TEXT NOT NULL
);

-- The indicator catalogue, mirrored from data/indicators.csv at every start.
CREATE TABLE indicators (
    indicator_id        TEXT PRIMARY KEY,
    position            INTEGER NOT NULL,     -- row order in the catalogue file
    name                TEXT NOT NULL,
    short_name          TEXT NOT NULL,
    domain              TEXT NOT NULL,
    unit                TEXT NOT NULL,
    polarity            TEXT NOT NULL,
    definition          TEXT NOT NULL,
    numerator           TEXT,
    denominator         TEXT,
    multiplier          DOUBLE NOT NULL,
    min_value           DOUBLE,
    max_value           DOUBLE,
    decimals            INTEGER NOT NULL,
    frequency           TEXT NOT NULL,
    period_type         TEXT NOT NULL,
    source              TEXT NOT NULL,
    published_columns   TEXT,
    england_reference   DOUBLE
);

CREATE TABLE periods (
    period_id   TEXT PRIMARY KEY,
    granularity TEXT NOT NULL,            -- quarter, year_to_march, year_to_september
    start_date  DATE NOT NULL,
    end_date    DATE NOT NULL,
    label       TEXT NOT NULL
);


-- Every write of observations is a load: who, when, what, and how many rows it touched.
CREATE TABLE loads (
    load_id        BIGINT PRIMARY KEY,
    loaded_at      TIMESTAMP NOT NULL DEFAULT current_timestamp,
    loaded_by      TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    file_hash      TEXT,
    source         TEXT NOT NULL,          -- published, local, demo
    rows_added     BIGINT NOT NULL DEFAULT 0,
    rows_changed   BIGINT NOT NULL DEFAULT 0,
    rows_unchanged BIGINT NOT NULL DEFAULT 0,
    rows_rejected  BIGINT NOT NULL DEFAULT 0,
    status         TEXT NOT NULL DEFAULT 'committed',   -- committed, rolled_back
    note           TEXT
);

-- The current value of each (area, indicator, period). area_code is an LA or a partnership id.
CREATE TABLE observations (
    area_code    TEXT NOT NULL,
    indicator_id TEXT NOT NULL,
    period_id    TEXT NOT NULL,
    value        DOUBLE,                   -- NULL unless status = 'reported'
    numerator    DOUBLE,
    denominator  DOUBLE,
    status       TEXT NOT NULL,            -- reported, c, x, z, low, u, missing
    source       TEXT NOT NULL,            -- published, local, demo
    load_id      BIGINT NOT NULL,
    note         TEXT,
    PRIMARY KEY (area_code, indicator_id, period_id)
);

-- Values that a later load replaced, kept with the load that wrote them and the one that replaced them.
CREATE TABLE observation_history (
    area_code          TEXT NOT NULL,
    indicator_id       TEXT NOT NULL,
    period_id          TEXT NOT NULL,
    value              DOUBLE,
    numerator          DOUBLE,
    denominator        DOUBLE,
    status             TEXT NOT NULL,
    source             TEXT NOT NULL,
    load_id            BIGINT NOT NULL,
    note               TEXT,
    superseded_by_load BIGINT NOT NULL,
    superseded_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Published England and regional figures, kept as benchmarks beside the area data.
CREATE TABLE published_benchmarks (
    geography_code TEXT NOT NULL,          -- E92000001 (England) or a region code
    indicator_id   TEXT NOT NULL,
    period_id      TEXT NOT NULL,
    value          DOUBLE,
    numerator      DOUBLE,
    denominator    DOUBLE,
    status         TEXT NOT NULL,
    load_id        BIGINT NOT NULL,
    PRIMARY KEY (geography_code, indicator_id, period_id)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
