-- A small depot for the report and plan tests (tests/unit/test_report.c,
-- test_plan.c).  The expected texts in those tests are computed by hand from
-- these rows with today = 2026-01-01; change one and the other follows.
INSERT INTO site (id, slug, name, kind, state, opened, created_ns) VALUES
 (1, 'jiaochangkou', '较场口消防救援站', 'station', 'operating', '2000-01-01', 1),
 (2, 'laifushi', '来福士小型消防站', 'small-station', 'operating', NULL, 1),
 (3, 'hualongqiao', '化龙桥特勤消防救援站', 'station', 'under-construction', NULL, 1),
 (4, 'logistics-base', '战勤保障基地', 'logistics-base', 'operating', NULL, 1);
INSERT INTO category (id, slug, name, kind, class, service_life, inspection_interval, created_ns) VALUES
 (1, 'water-tender', '水罐车', 'vehicle', 'firefighting', 15, 365, 1),
 (2, 'foam-tender', '泡沫车', 'vehicle', 'firefighting', 15, 365, 1),
 (3, 'forward-support', '前突保障车', 'vehicle', 'support', 15, 365, 1),
 (10, 'scba', '正压式空气呼吸器', 'equipment', 'protective', 8, 180, 1),
 (11, 'helmet', '消防头盔', 'equipment', 'protective', 5, 365, 1),
 (12, 'drone', '灭火无人机', 'equipment', 'intelligent', 6, 90, 1);
INSERT INTO vehicle (id, callsign, type_id, station_id, status, plate, year, mileage, created_ns) VALUES
 (1, 'jck-water-tender-1', 1, 1, 'in-service', '渝A0001', 2021, 1000, 1),
 (2, 'jck-foam-tender-1', 2, 1, 'standby', '渝A0002', 2023, 500, 1),
 (3, 'lfs-forward-support-1', 3, 2, 'in-service', '渝A0003', 2021, 10, 1),
 (4, 'jck-water-tender-0', 1, 1, 'retired', '渝A0000', 2005, 90000, 1);
INSERT INTO item (id, tag, category_id, model, serial, station_id, vehicle_id, status, acquired,
                  last_inspection, created_ns) VALUES
 (1, 'scba-000001', 10, 'RHZK6.8', 'S1', 1, 1, 'in-service', '2021-03-01', '2025-06-01', 1),
 (2, 'scba-000002', 10, 'RHZK6.8', 'S2', 1, 1, 'in-service', '2021-03-01', '2025-07-20', 1),
 (3, 'scba-000003', 10, 'RHZK6.8', 'S3', 1, NULL, 'reserve', '2021-03-01', '2025-12-01', 1),
 (4, 'scba-000004', 10, 'RHZK6.8', 'S4', 1, NULL, 'maintenance', '2017-05-01', '2025-12-20', 1),
 (5, 'scba-000005', 10, 'RHZK9', 'S5', 4, NULL, 'reserve', '2023-01-05', '2025-12-31', 1),
 (6, 'helmet-000001', 11, 'F2', 'H1', 1, NULL, 'in-service', '2024-12-01', NULL, 1),
 (7, 'helmet-000002', 11, 'F2', 'H2', 2, NULL, 'in-service', '2019-06-01', '2025-01-20', 1),
 (8, 'drone-000001', 12, 'M30T', 'D1', 2, NULL, 'in-service', '2025-10-20', NULL, 1),
 (9, 'drone-000002', 12, 'M300', 'D2', 1, NULL, 'retired', '2018-01-01', NULL, 1);
INSERT INTO reserve_module (id, slug, name, location, created_ns) VALUES
 (1, 'building-fire', '高层建筑火灾模块', 'logistics-base', 1),
 (2, 'water-rescue', '水域救援模块', 'logistics-base', 1);
INSERT INTO reserve_line (id, module_id, slug, name, unit, count, target, minimum, created_ns) VALUES
 (1, 1, 'foam-concentrate', '泡沫液', 'litre', 10, 40, 20, 1),
 (2, 1, 'breathing-cylinder', '气瓶', 'cylinder', 50, 60, 30, 1),
 (3, 2, 'life-jacket', '救生衣', '件', 5, 100, 50, 1),
 (4, 2, 'rope', '绳索', 'm', 0, 0, 0, 1);
INSERT INTO plan (year, recruits, created_ns) VALUES (2021, 50, 1), (2023, 40, 1);
INSERT INTO plan_line (year, category_id, planned) VALUES
 (2021, 1, 1), (2021, 3, 2), (2021, 10, 400), (2021, 11, 100),
 (2023, 2, 1), (2023, 3, 1), (2023, 12, 0);
-- The text states 3 vehicles, the yearly lines add up to 5: the report must say so.
INSERT INTO plan_period (id, name, first_year, last_year, stated_vehicles, stated_equipment,
                         stated_recruits, source) VALUES
 (1, '14th five-year plan', 2021, 2025, 3, 500, 90, 'fixture');
INSERT INTO setting (key, value) VALUES ('population', '600000'), ('households', '200000');
INSERT INTO indicator (id, slug, name, unit, baseline_year, baseline, target_year, target, kind,
                       measure) VALUES
 (1, 'vehicles', '万人消防车辆数', 'per 10k', 2020, 0.5, 2025, 0.6, 'expected', 'vehicles-per-10k'),
 (2, 'stations', 'stations per 100k', 'per 100k', 2020, 1.0, 2025, 1.16, 'expected', 'stations-per-100k'),
 (3, 'deaths', 'fire deaths per million', 'per 1M', 2020, 1.2, 2025, 1, 'binding', '');
