-- What entered service in 2024 counts as delivered whatever its status now,
-- retired too; an item acquired on 2025-01-01 is not a 2024 delivery.  The
-- fixture's helmet-000001 (2024-12-01) is one too.
INSERT INTO plan (year, recruits, created_ns) VALUES (2024, 0, 1);
INSERT INTO plan_line (year, category_id, planned) VALUES (2024, 12, 3), (2024, 1, 1);
INSERT INTO vehicle (callsign, type_id, station_id, status, plate, year, mileage, created_ns) VALUES
 ('jck-water-tender-2', 1, 1, 'retired', 'x', 2024, 0, 1);
INSERT INTO item (tag, category_id, model, serial, station_id, status, acquired, created_ns) VALUES
 ('drone-000010', 12, 'M', 'a', 1, 'retired', '2024-01-01', 1),
 ('drone-000011', 12, 'M', 'b', 1, 'in-service', '2024-12-31', 1),
 ('drone-000012', 12, 'M', 'c', 1, 'in-service', '2025-01-01', 1),
 ('helmet-000010', 11, 'M', 'd', 2, 'reserve', '2024-06-30', 1);
