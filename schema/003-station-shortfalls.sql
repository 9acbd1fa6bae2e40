-- depotfs schema, version 3: a station's shortfalls from its indexes.
--
-- stations/<site>/summary counts the site's items whose inspection is
-- overdue or whose service life has ended.  It computed both dates for
-- every item of the site (three seconds for the largest station of a
-- 2,000,000-item depot, at every stat and open).  It now compares each
-- category's items with one threshold date per category (core/report.c),
-- and these indexes answer each comparison as a range count.  Only items
-- not retired are counted, so only they are indexed.
CREATE INDEX item_station_inspection
    ON item(station_id, category_id, coalesce(last_inspection, acquired))
    WHERE status <> 'retired';
CREATE INDEX item_station_acquired
    ON item(station_id, category_id, acquired)
    WHERE status <> 'retired';
