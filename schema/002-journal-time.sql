-- depotfs schema, version 2: an object's journal in time order.
--
-- An object's newest change (the mtime of its directory, of item.json and
-- history, of a station view's link) and its history in order were read
-- through journal_object, whose attribute column comes before the time: both
-- went through every journal row of the object, and a count adjusted by a
-- script ten thousand times has ten thousand.  With this index the newest
-- row is one seek and the history needs no sort.
CREATE INDEX journal_object_time ON journal(object_kind, object_id, at_ns);
