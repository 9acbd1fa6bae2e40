-- depotfs schema, version 1.
--
-- The depot is one SQLite file.  Every table the tree shows is here; values
-- that follow from others (an item's expiry date, its next inspection, a
-- plan's delivered figures) are computed, never stored, so they cannot drift.
-- Times of change are nanoseconds since the epoch (INTEGER); dates are text
-- 'YYYY-MM-DD'.  The journal tables are append-only (triggers refuse UPDATE
-- and DELETE).  core/depot.c applies this file in one transaction to an empty
-- database and then sets PRAGMA user_version = 1; later versions add files
-- 002-*.sql, ... that upgrade in place.

CREATE TABLE site (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE
                CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*'),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('station', 'small-station', 'command-centre',
                    'service-station', 'training-base', 'logistics-base')),
    state       TEXT NOT NULL CHECK (state IN ('operating', 'under-construction', 'planned')),
    opened      TEXT CHECK (opened IS NULL OR date(opened, '+0 days') IS opened),
    created_ns  INTEGER NOT NULL
);

-- Vehicle types and equipment categories share one namespace (categories/).
CREATE TABLE category (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE
                CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*'),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('vehicle', 'equipment')),
    class       TEXT NOT NULL,
    service_life        INTEGER NOT NULL CHECK (service_life BETWEEN 1 AND 100),      -- years
    inspection_interval INTEGER NOT NULL CHECK (inspection_interval BETWEEN 1 AND 3660), -- days
    created_ns  INTEGER NOT NULL
);

CREATE TABLE vehicle (
    id          INTEGER PRIMARY KEY,
    callsign    TEXT NOT NULL UNIQUE
                CHECK (length(callsign) BETWEEN 1 AND 64 AND callsign NOT GLOB '*[^a-z0-9-]*'),
    type_id     INTEGER NOT NULL REFERENCES category(id),
    station_id  INTEGER NOT NULL REFERENCES site(id),
    status      TEXT NOT NULL CHECK (status IN ('in-service', 'standby', 'maintenance',
                    'out-of-service', 'retired')),
    plate       TEXT NOT NULL,
    year        INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),  -- entered service
    mileage     INTEGER NOT NULL CHECK (mileage >= 0),
    next_service TEXT CHECK (next_service IS NULL OR date(next_service, '+0 days') IS next_service),
    notes       TEXT NOT NULL DEFAULT '',
    created_ns  INTEGER NOT NULL
);
-- Views list members in id order (rowid is the last column of every index),
-- so a directory listing can resume after the last id it returned.
CREATE INDEX vehicle_station ON vehicle(station_id);
CREATE INDEX vehicle_type ON vehicle(type_id);
CREATE INDEX vehicle_year ON vehicle(year);

CREATE TABLE delivery (
    id          INTEGER PRIMARY KEY,
    note        TEXT NOT NULL UNIQUE
                CHECK (length(note) BETWEEN 1 AND 64 AND note NOT GLOB '*[^a-z0-9-]*'),
    received_ns INTEGER NOT NULL,
    uid         INTEGER,
    user        TEXT
);

-- expires = acquired + category.service_life years; next inspection =
-- coalesce(last_inspection, acquired) + category.inspection_interval days.
CREATE TABLE item (
    id          INTEGER PRIMARY KEY,
    tag         TEXT NOT NULL UNIQUE
                CHECK (length(tag) BETWEEN 1 AND 64 AND tag NOT GLOB '*[^a-z0-9-]*'),
    category_id INTEGER NOT NULL REFERENCES category(id),
    model       TEXT NOT NULL,
    serial      TEXT NOT NULL,
    station_id  INTEGER NOT NULL REFERENCES site(id),
    vehicle_id  INTEGER REFERENCES vehicle(id),
    status      TEXT NOT NULL CHECK (status IN ('in-service', 'reserve', 'maintenance',
                    'out-of-service', 'retired')),
    acquired    TEXT NOT NULL CHECK (date(acquired, '+0 days') IS acquired),
    last_inspection TEXT CHECK (last_inspection IS NULL OR date(last_inspection, '+0 days') IS last_inspection),
    notes       TEXT NOT NULL DEFAULT '',
    delivery_id INTEGER REFERENCES delivery(id),
    created_ns  INTEGER NOT NULL
);
CREATE INDEX item_station ON item(station_id, category_id);
-- Covers a station's counts by category and status (stations/<site>/summary).
CREATE INDEX item_station_status ON item(station_id, category_id, status);
CREATE INDEX item_category ON item(category_id);
CREATE INDEX item_vehicle ON item(vehicle_id) WHERE vehicle_id IS NOT NULL;
CREATE INDEX item_acquired ON item(category_id, acquired);
CREATE INDEX item_inspection ON item(category_id, coalesce(last_inspection, acquired));
CREATE INDEX item_status ON item(status);
CREATE INDEX item_delivery ON item(delivery_id) WHERE delivery_id IS NOT NULL;

CREATE TABLE reserve_module (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE
                CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*'),
    name        TEXT NOT NULL,
    location    TEXT NOT NULL,
    created_ns  INTEGER NOT NULL
);

CREATE TABLE reserve_line (
    id          INTEGER PRIMARY KEY,
    module_id   INTEGER NOT NULL REFERENCES reserve_module(id),
    slug        TEXT NOT NULL
                CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*'
                       AND slug NOT IN ('name', 'location', 'summary')),
    name        TEXT NOT NULL,
    unit        TEXT NOT NULL,
    count       INTEGER NOT NULL CHECK (count >= 0),
    target      INTEGER NOT NULL CHECK (target >= 0),
    minimum     INTEGER NOT NULL CHECK (minimum >= 0),
    created_ns  INTEGER NOT NULL,
    UNIQUE (module_id, slug)
);

-- One row per planned year; its lines name a vehicle type or an equipment category.
CREATE TABLE plan (
    year        INTEGER PRIMARY KEY CHECK (year BETWEEN 1900 AND 9999),
    recruits    INTEGER NOT NULL DEFAULT 0 CHECK (recruits >= 0),
    created_ns  INTEGER NOT NULL
);
CREATE TABLE plan_line (
    year        INTEGER NOT NULL REFERENCES plan(year),
    category_id INTEGER NOT NULL REFERENCES category(id),
    planned     INTEGER NOT NULL CHECK (planned >= 0),
    PRIMARY KEY (year, category_id)
) WITHOUT ROWID;

-- A planning period as its text states it (the plan contradicts itself:
-- chapter 3 says 12 duty vehicles, Annex 4 lists 13), so the plan-execution
-- report can set the stated totals beside the sum of the yearly lines.
CREATE TABLE plan_period (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    first_year  INTEGER NOT NULL,
    last_year   INTEGER NOT NULL CHECK (last_year >= first_year),
    stated_vehicles  INTEGER,          -- NULL where the text states none
    stated_equipment INTEGER,
    stated_recruits  INTEGER,
    source      TEXT NOT NULL DEFAULT ''
);

-- District facts the indicators need (population, households, ...).
CREATE TABLE setting (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
) WITHOUT ROWID;

-- The plan's Table 3: baseline and target of each indicator.  measure names
-- what the depot computes live for it ('' where the depot cannot).
CREATE TABLE indicator (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    unit        TEXT NOT NULL,
    baseline_year INTEGER NOT NULL,
    baseline    REAL,
    target_year INTEGER NOT NULL,
    target      REAL,
    kind        TEXT NOT NULL CHECK (kind IN ('binding', 'expected')),
    measure     TEXT NOT NULL DEFAULT ''
);

-- Every accepted change.  object_kind is one of site vehicle item category
-- module line plan delivery; object_id its row id; attribute the file name.
CREATE TABLE journal (
    id          INTEGER PRIMARY KEY,
    at_ns       INTEGER NOT NULL,
    uid         INTEGER NOT NULL,
    user        TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    process     TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id   INTEGER NOT NULL,
    object      TEXT NOT NULL,      -- the object's slug, for reading the journal alone
    attribute   TEXT NOT NULL,
    old         TEXT,
    new         TEXT,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX journal_object ON journal(object_kind, object_id, attribute, at_ns);

-- Every refused write, with the reason given to the user.
CREATE TABLE refusal (
    id          INTEGER PRIMARY KEY,
    at_ns       INTEGER NOT NULL,
    uid         INTEGER NOT NULL,
    user        TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    process     TEXT NOT NULL,
    path        TEXT NOT NULL,
    value       TEXT NOT NULL,      -- the refused text, shortened and made printable
    reason      TEXT NOT NULL
);

CREATE TRIGGER journal_append_only_u BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_append_only_d BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER refusal_append_only_u BEFORE UPDATE ON refusal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER refusal_append_only_d BEFORE DELETE ON refusal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
