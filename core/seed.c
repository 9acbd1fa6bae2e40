/*
 * seed.c: the demo district, Yuzhong District (Chongqing), as a depot.
 *
 * depot_seed() fills an empty depot with the figures of the district's fire
 * and rescue plan for 2021-2025 (../shared/seed/FACTS.md): its nine sites
 * with their Chinese names, the thirteen vehicle types of Annex 4 and about
 * twenty equipment categories, a fleet whose 2021-2025 purchases are exactly
 * Annex 4's, N equipment items, the eight modular reserves, the yearly plans
 * (Annex 4 vehicles, Annex 5 recruits, equipment that adds up to more than
 * 20,000) and the indicators of Table 3.
 *
 * Everything the plan does not say is invented here, deterministically: a
 * splitmix64 generator seeded from the caller's seed drives every random
 * choice, and the reference date is fixed (REF_DATE, not the clock), so the
 * same seed gives the same depot byte for byte, on any machine, any day.
 * The rules the data keeps: no item is at a site before the site opened,
 * and no vehicle either, but at Hualongqiao, the relocated (迁建)
 * special-service station, which took over its old fleet in 2025;
 * items are loaded only on working vehicles of their own station; items
 * past their service life are partly retired; inspections are spread so
 * that some are overdue on REF_DATE and a few items were never inspected.
 *
 * Items are generated year by year in date order, so ids and per-category
 * tag numbers grow with the acquisition date (a delivery's new items then
 * continue the numbering naturally).  It is all one transaction of prepared
 * statements, with a larger page cache while it runs: 1,000,000 items take
 * seconds, not minutes.
 */
#include "internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ITEMS   25000
#define REF_DATE_Y      2026        /* "today" of the invented data: 2026-12-01 */
#define REF_DATE_M      12
#define REF_DATE_D      1
#define FIRST_YEAR      2008        /* the oldest item */
#define LAST_YEAR       2025        /* the newest item */
#define NYEARS          (LAST_YEAR - FIRST_YEAR + 1)
#define UTC_OFFSET_S    (8 * 3600)  /* Chongqing: dates are local midnights */
#define SEED_CACHE_KIB  262144      /* page cache while seeding: 256 MiB at most */

/* ---- deterministic randomness and dates ---- */

/* splitmix64 (Steele, Lea, Flood 2014): small, fast, good enough. */
static uint64_t rnd_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A number in [0, n), n > 0. */
static unsigned rnd_below(uint64_t *s, unsigned n)
{
    return (unsigned)((rnd_next(s) >> 32) * n >> 32);
}

/* A bijection on 32 bits (each step is invertible), for unique serials. */
static uint32_t perm32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Writes day number z as "YYYY-MM-DD" into buf. */
static void format_day(int64_t z, char buf[11])
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    buf[0] = (char)('0' + y / 1000 % 10);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

/* The local (UTC+8) midnight starting day z, in ns since the epoch. */
static int64_t day_ns(int64_t z)
{
    return (z * 86400 - UTC_OFFSET_S) * INT64_C(1000000000);
}

/* Day z plus n years, as SQLite's date(z, '+n years') (Feb 29 -> Mar 1). */
static int64_t add_years(int64_t z, int n)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    return days_from_civil(y + n, m, 1) + d - 1;
}

/* ---- the district: what FACTS.md says, and what the seed invents ---- */

enum profile { P_STATION, P_COMMS, P_TRAINING, P_LOGISTICS, P_COUNT };

static const struct site_fact {
    const char *slug, *abbr, *name, *kind;
    const char *opened;         /* NULL: long-standing, date unknown */
    enum profile profile;       /* which equipment mix it holds */
    int weight;                 /* share of the items of a year it is open in */
} sites[] = {
    { "jiaochangkou",    "jck",  "较场口消防救援站",           "station",         NULL,         P_STATION,   40 },
    { "laifushi",        "lfs",  "来福士小型消防站",           "small-station",   "2019-09-06", P_STATION,    5 },
    { "jiefangbei",      "jfb",  "解放碑地下环道小型消防站",   "small-station",   "2022-09-28", P_STATION,    4 },
    { "shidai-tianjie",  "sdtj", "龙湖时代天街小型消防站",     "small-station",   "2023-06-16", P_STATION,    4 },
    { "hualongqiao",     "hlq",  "化龙桥特勤消防救援站",       "station",         "2025-01-16", P_STATION,  150 },
    { "command-centre",  "cmd",  "渝中区消防指挥中心",         "command-centre",  "2025-01-16", P_COMMS,      6 },
    { "service-station", "svc",  "应急通信与车辆勤务站",       "service-station", "2025-01-16", P_COMMS,      8 },
    { "yinglong",        "yl",   "迎龙消防训练基地",           "training-base",   "2025-04-18", P_TRAINING,  15 },
    { "logistics-base",  "log",  "战勤保障基地 / 应急装备物资储备库", "logistics-base", "2025-03-28", P_LOGISTICS, 60 },
};
#define NSITES (sizeof sites / sizeof sites[0])
#define SITE_LONGSTANDING_CREATED "2010-01-01"

/* Annex 4's vehicle types (service life 15 years, inspection every 90 days). */
static const struct vtype_fact {
    const char *slug, *name, *class;
} vtypes[] = {
    { "water-tender",     "水罐车",             "firefighting" },
    { "foam-tender",      "泡沫车",             "firefighting" },
    { "cafs-tender",      "压缩空气泡沫车",     "firefighting" },
    { "aerial-platform",  "登高平台或云梯车",   "aerial" },
    { "high-spray",       "高喷车",             "aerial" },
    { "rescue",           "抢险救援车",         "special-service" },
    { "smoke-exhaust",    "排烟或照明车",       "special-service" },
    { "hazmat-decon",     "化救或洗消车",       "special-service" },
    { "command-comms",    "方舱通信指挥车",     "support" },
    { "engineering",      "工程机械",           "support" },
    { "long-range-water", "远程供水或排涝车",   "support" },
    { "hook-lift",        "自装卸（模块）车",   "support" },
    { "forward-support",  "前突保障车",         "support" },
};
#define NVTYPES (sizeof vtypes / sizeof vtypes[0])
#define VEHICLE_LIFE 15
#define VEHICLE_INSPECTION_DAYS 90

/*
 * Equipment categories.  weight: tenths of a share in the item mix of each
 * site profile (station, command/service, training, logistics); loadable:
 * carried on vehicles.  plan: the yearly procurement plan's share.
 */
static const struct ecat_fact {
    const char *slug, *name, *class;
    int life, interval;
    int weight[P_COUNT];
    int loadable;
    const char *models[4];
} ecats[] = {
    { "scba", "正压式消防空气呼吸器", "protective", 15, 30, { 80, 10, 80, 40 }, 1,
      { "Dräger PSS 7000", "MSA G1", "Scott AV-3000 HT", NULL } },
    { "turnout-gear", "消防员灭火防护服", "protective", 5, 180, { 140, 20, 200, 100 }, 0,
      { "Lion V-Force", "Rosenbauer Fire Max 3", "Xuexiang 14-type", NULL } },
    { "helmet", "消防头盔", "protective", 8, 365, { 100, 20, 140, 60 }, 0,
      { "MSA Gallet F1 XF", "Dräger HPS 7000", "Rosenbauer Heros Titan", NULL } },
    { "thermal-camera", "消防热成像仪", "detection", 8, 90, { 20, 20, 10, 10 }, 1,
      { "FLIR K55", "MSA Evolution 6000", "Dräger UCF 9000", NULL } },
    { "gas-detector", "有毒有害气体探测仪", "detection", 6, 30, { 30, 10, 10, 20 }, 1,
      { "Dräger X-am 5600", "MSA ALTAIR 5X", "Honeywell BW MicroClip", NULL } },
    { "rescue-tool", "液压破拆工具组", "rescue", 10, 90, { 30, 0, 20, 20 }, 1,
      { "Holmatro 5000 series", "Weber Hydraulik RSX", "Lukas eDRAULIC", NULL } },
    { "rope-rescue-kit", "绳索救援装备", "rescue", 6, 90, { 30, 0, 40, 30 }, 1,
      { "Petzl Rescue Kit", "CMC Rope Rescue Kit", NULL, NULL } },
    { "water-rescue-kit", "水域救援装备", "water-rescue", 8, 90, { 20, 0, 20, 40 }, 1,
      { "Palm Rescue Set", "Kong River Rescue Kit", NULL, NULL } },
    { "drysuit", "干式水域救援服", "water-rescue", 6, 180, { 20, 0, 20, 40 }, 0,
      { "Ursuit RDS", "Kokatat Meridian", NULL, NULL } },
    { "life-jacket", "救生衣", "water-rescue", 5, 180, { 40, 0, 30, 80 }, 1,
      { "Crewsaver Crewfit 275N", "Palm Rescue 800", NULL, NULL } },
    { "flood-pump", "排涝泵", "drainage", 10, 90, { 10, 0, 0, 40 }, 1,
      { "Rosenbauer Fox 4", "Tohatsu V82AS", "Honda WB30XT", NULL } },
    { "hazmat-suit", "重型防化服", "hazmat", 10, 180, { 20, 0, 10, 40 }, 1,
      { "Dräger CPS 7900", "Lakeland Interceptor Plus", NULL, NULL } },
    { "decon-kit", "洗消装备", "hazmat", 10, 180, { 10, 0, 0, 30 }, 1,
      { "Kärcher Decontam DS", "TPS Decon Shower", NULL, NULL } },
    { "earthquake-rescue-kit", "地震救援装备", "rescue", 10, 180, { 10, 0, 10, 30 }, 1,
      { "Leader Search Cam", "Delsar LD3 Life Detector", NULL, NULL } },
    { "drone", "消防无人机", "reconnaissance", 5, 90, { 10, 40, 10, 10 }, 1,
      { "DJI Matrice 300 RTK", "DJI Matrice 30T", "Autel EVO II Dual", NULL } },
    { "firefighting-robot", "灭火机器人", "robotics", 10, 90, { 2, 0, 1, 2 }, 1,
      { "Magirus Wolf R1", "Guoxing RXR-M80D", NULL, NULL } },
    { "radio", "手持对讲机", "communications", 8, 180, { 60, 140, 30, 30 }, 1,
      { "Hytera PD780", "Motorola APX 8000", "Hytera PD680", NULL } },
    { "hose", "消防水带", "firefighting", 10, 365, { 160, 0, 80, 100 }, 1,
      { "Angus Duraline 65mm", "Rosenbauer Hose 80mm", NULL, NULL } },
    { "nozzle", "消防水枪", "firefighting", 15, 365, { 60, 0, 30, 30 }, 1,
      { "Akron Assault", "Task Force Tips G-Force", "Rosenbauer RB 101", NULL } },
    { "generator", "移动发电机", "power-lighting", 12, 180, { 10, 30, 0, 30 }, 1,
      { "Honda EU70is", "Yamaha EF6300iSE", NULL, NULL } },
    { "lighting-tower", "移动照明灯组", "power-lighting", 10, 180, { 10, 20, 0, 20 }, 1,
      { "Honda Light Tower 4x500W", "Zhenhui SFW6110B", NULL, NULL } },
    { "medical-kit", "医疗急救包", "medical", 5, 180, { 20, 10, 20, 40 }, 1,
      { "Ferno Trauma Kit", "Yuwell Emergency Kit", NULL, NULL } },
};
#define NECATS (sizeof ecats / sizeof ecats[0])

/*
 * The fleet.  2016-2020: the 28 vehicles FACTS counts; 2021-2025: exactly
 * Annex 4's 13.  A vehicle is only at a site open in its year.
 */
static const struct vehicle_fact {
    const char *type;
    int year;
    const char *site;
    const char *status;
} fleet[] = {
    /* before the 13th five-year plan: the oldest are retired */
    { "water-tender",     2008, "jiaochangkou", "retired" },
    { "aerial-platform",  2009, "jiaochangkou", "retired" },
    { "rescue",           2010, "jiaochangkou", "retired" },
    { "foam-tender",      2012, "jiaochangkou", "standby" },
    { "water-tender",     2014, "jiaochangkou", "standby" },
    { "smoke-exhaust",    2015, "jiaochangkou", "in-service" },
    /* 2016-2020: 28 */
    { "water-tender",     2016, "jiaochangkou", "in-service" },
    { "water-tender",     2016, "jiaochangkou", "maintenance" },
    { "rescue",           2016, "jiaochangkou", "in-service" },
    { "hook-lift",        2016, "jiaochangkou", "in-service" },
    { "command-comms",    2016, "jiaochangkou", "standby" },
    { "foam-tender",      2017, "jiaochangkou", "in-service" },
    { "cafs-tender",      2017, "hualongqiao",  "in-service" },
    { "hazmat-decon",     2017, "hualongqiao",  "in-service" },
    { "water-tender",     2017, "jiaochangkou", "in-service" },
    { "long-range-water", 2017, "jiaochangkou", "out-of-service" },
    { "aerial-platform",  2018, "hualongqiao",  "in-service" },
    { "high-spray",       2018, "hualongqiao",  "in-service" },
    { "rescue",           2018, "hualongqiao",  "in-service" },
    { "water-tender",     2018, "jiaochangkou", "in-service" },
    { "smoke-exhaust",    2018, "jiaochangkou", "in-service" },
    { "foam-tender",      2018, "jiaochangkou", "maintenance" },
    { "water-tender",     2019, "laifushi",     "in-service" },
    { "rescue",           2019, "laifushi",     "in-service" },
    { "cafs-tender",      2019, "jiaochangkou", "in-service" },
    { "water-tender",     2019, "jiaochangkou", "in-service" },
    { "command-comms",    2019, "jiaochangkou", "in-service" },
    { "long-range-water", 2019, "hualongqiao",  "in-service" },
    { "water-tender",     2020, "jiaochangkou", "in-service" },
    { "rescue",           2020, "hualongqiao",  "in-service" },
    { "hazmat-decon",     2020, "hualongqiao",  "standby" },
    { "water-tender",     2020, "laifushi",     "in-service" },
    { "forward-support",  2020, "jiaochangkou", "in-service" },
    { "hook-lift",        2020, "jiaochangkou", "in-service" },
    /* Annex 4, 2021-2025: 13 */
    { "water-tender",     2021, "jiaochangkou", "in-service" },
    { "foam-tender",      2021, "jiaochangkou", "in-service" },
    { "high-spray",       2021, "jiaochangkou", "in-service" },
    { "engineering",      2021, "jiaochangkou", "in-service" },
    { "forward-support",  2021, "jiaochangkou", "in-service" },
    { "forward-support",  2021, "laifushi",     "in-service" },
    { "forward-support",  2022, "jiefangbei",   "in-service" },
    { "foam-tender",      2023, "shidai-tianjie", "in-service" },
    { "forward-support",  2023, "shidai-tianjie", "maintenance" },
    { "water-tender",     2024, "jiefangbei",   "in-service" },
    { "forward-support",  2024, "laifushi",     "in-service" },
    { "aerial-platform",  2025, "hualongqiao",  "in-service" },
    { "forward-support",  2025, "logistics-base", "in-service" },
};
#define NFLEET (sizeof fleet / sizeof fleet[0])

/* Share of the items acquired in each year, FIRST_YEAR..LAST_YEAR. */
static const int year_weight[NYEARS] = {
    1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 6,     /* 2008-2020 */
    15, 15, 16, 16, 20,                        /* 2021-2025 */
};

/* Annex 4 (vehicles planned per year) and Annex 5 (recruits). */
static const struct plan_vehicle_fact {
    int year;
    const char *type;
    int planned;
} plan_vehicles[] = {
    { 2021, "water-tender", 1 }, { 2021, "foam-tender", 1 }, { 2021, "high-spray", 1 },
    { 2021, "engineering", 1 },  { 2021, "forward-support", 2 },
    { 2022, "forward-support", 1 },
    { 2023, "foam-tender", 1 },  { 2023, "forward-support", 1 },
    { 2024, "water-tender", 1 }, { 2024, "forward-support", 1 },
    { 2025, "aerial-platform", 1 }, { 2025, "forward-support", 1 },
};
#define NPLAN_VEHICLES (sizeof plan_vehicles / sizeof plan_vehicles[0])
static const struct plan_year_fact {
    int year;
    int recruits;
    int equipment;              /* pieces planned that year, shared out by category */
} plan_years[] = {
    { 2021, 50, 3900 }, { 2022, 30, 3950 }, { 2023, 40, 4100 },
    { 2024, 40, 4200 }, { 2025, 40, 4400 },
};
#define NPLAN_YEARS (sizeof plan_years / sizeof plan_years[0])
#define PLAN_ISSUED "2022-08-15"

/* The reserve modules (one per disaster type) and their stock lines. */
struct line_fact {
    const char *slug, *name, *unit;
    int count, target, minimum;
};
static const struct module_fact {
    const char *slug, *name, *location;
    struct line_fact lines[8];
} modules[] = {
    { "building-fire", "高层建筑火灾编成储备模块", "应急装备物资储备库 A区1号库", {
        { "air-cylinders", "备用气瓶", "cylinders", 126, 150, 80 },
        { "hoses", "消防水带", "rolls", 214, 240, 150 },
        { "foam-concentrate", "水成膜泡沫液", "litres", 8200, 10000, 6000 },
        { "escape-hoods", "消防过滤式自救呼吸器", "pieces", 310, 400, 200 },
        { "smoke-fans", "正压排烟机", "units", 5, 6, 4 },
        { NULL, NULL, NULL, 0, 0, 0 } } },
    { "water-rescue", "水域救援编成储备模块", "应急装备物资储备库 A区2号库", {
        { "sandbags", "防汛编织袋", "pieces", 1500, 5000, 2000 },
        { "life-jackets", "救生衣", "pieces", 184, 200, 120 },
        { "throw-bags", "抛投救生绳包", "pieces", 62, 80, 40 },
        { "inflatable-boats", "充气橡皮艇", "units", 6, 8, 4 },
        { "outboard-motors", "舷外机", "units", 4, 6, 3 },
        { "drainage-hoses", "排涝软管", "metres", 1800, 2000, 1000 },
        { NULL, NULL, NULL, 0, 0, 0 } } },
    { "epidemic", "涉疫勤务编成储备模块", "应急装备物资储备库 B区1号库", {
        { "protective-suits", "医用防护服", "sets", 2400, 3000, 1500 },
        { "n95-masks", "N95口罩", "pieces", 9000, 20000, 10000 },
        { "disinfectant", "含氯消毒液", "litres", 1200, 2000, 800 },
        { "goggles", "护目镜", "pieces", 620, 800, 300 },
        { "sprayers", "背负式消毒喷雾器", "units", 20, 24, 12 },
        { NULL, NULL, NULL, 0, 0, 0 } } },
    { "chemical-fire", "危化品火灾编成储备模块", "应急装备物资储备库 B区2号库", {
        { "ar-foam", "抗溶性泡沫液", "litres", 12000, 15000, 10000 },
        { "absorbent", "吸附棉", "kg", 420, 600, 300 },
        { "leak-plugging-kits", "堵漏工具组", "sets", 6, 8, 4 },
        { "chemical-suits", "一级化学防护服", "sets", 30, 40, 24 },
        { "neutraliser", "酸碱中和剂", "kg", 300, 500, 400 },
        { "decon-tents", "洗消帐篷", "units", 2, 3, 2 },
        { NULL, NULL, NULL, 0, 0, 0 } } },
    { "forest-fire", "森林火灾编成储备模块", "应急装备物资储备库 C区1号库", {
        { "blowers", "风力灭火机", "units", 30, 40, 20 },
        { "backpack-pumps", "背负式水枪", "units", 64, 80, 40 },
        { "fire-rakes", "二号工具", "pieces", 120, 150, 80 },
        { "tents", "帐篷", "units", 12, 20, 10 },
        { "rations", "单兵自热口粮", "boxes", 420, 600, 300 },
        { NULL, NULL, NULL, 0, 0, 0 } } },
    { "underground-space", "地下有限空间编成储备模块", "应急装备物资储备库 C区2号库", {
        { "airline-sets", "长管空气呼吸器", "sets", 8, 10, 6 },
        { "ventilators", "移动排烟机", "units", 6, 8, 4 },
        { "headlamps", "防爆头灯", "pieces", 48, 60, 30 },
        { "gas-detectors", "四合一气体检测仪", "units", 10, 16, 12 },
        { "rescue-tripods", "救援三脚架", "units", 3, 4, 2 },
        { NULL, NULL, NULL, 0, 0, 0 } } },
    { "ice-snow", "雨雪冰冻编成储备模块", "应急装备物资储备库 D区1号库", {
        { "de-icing-salt", "融雪剂", "tonnes", 18, 30, 20 },
        { "snow-chains", "防滑链", "sets", 44, 50, 30 },
        { "snow-shovels", "雪铲", "pieces", 210, 240, 120 },
        { "winter-coats", "防寒大衣", "pieces", 160, 200, 100 },
        { "heaters", "取暖器", "units", 22, 30, 15 },
        { NULL, NULL, NULL, 0, 0, 0 } } },
    { "earthquake", "地震（地质）灾害救援编成储备模块", "应急装备物资储备库 D区2号库", {
        { "life-detectors", "雷达生命探测仪", "units", 4, 6, 3 },
        { "shoring-sets", "支撑套具", "sets", 6, 8, 4 },
        { "breaching-tools", "破拆机具", "sets", 8, 10, 6 },
        { "relief-tents", "救灾帐篷", "units", 32, 50, 20 },
        { "drinking-water", "瓶装饮用水", "boxes", 500, 800, 600 },
        { "generators", "发电机", "units", 4, 6, 3 },
        { "field-beds", "折叠行军床", "pieces", 80, 100, 50 },
        { NULL, NULL, NULL, 0, 0, 0 } } },
};
#define NMODULES (sizeof modules / sizeof modules[0])

static const struct { const char *key, *value; } settings[] = {
    { "population", "600000" },
    { "households", "200000" },
    { "district", "Yuzhong District, Chongqing" },
    { "hydrants", "1251" },
};

/* FACTS Table 3; measure names what the depot computes live. */
static const struct indicator_fact {
    const char *slug, *name, *unit;
    double baseline, target;
    const char *kind, *measure;
} indicators[] = {
    { "fire-deaths-per-million", "年度火灾百万人口死亡率", "deaths per million people a year",
      1.2, 1, "binding", "" },
    { "stations-per-100k", "十万人拥有消防救援站", "stations per 100,000 people",
      1.0, 1.16, "expected", "stations-per-100k" },
    { "hydrant-coverage", "市政消火栓建有率", "%", 100, 100, "binding", "" },
    { "hydrants-in-order", "市政消火栓完好率", "%", 98, 98, "binding", "" },
    { "firefighters-per-10k", "万人专职消防员拥有率", "full-time firefighters per 10,000 people",
      1.03, 3.03, "expected", "" },
    { "vehicles-per-10k", "万人消防车拥有率", "fire vehicles per 10,000 people",
      0.5, 0.6, "expected", "vehicles-per-10k" },
};

/* ---- the seeding itself ---- */

#define MAX_SITE_VEHICLES 64

struct seeder {
    depot *d;
    uint64_t rng;
    int64_t ref_day;                        /* REF_DATE as a day number */
    int64_t site_id[NSITES];
    int64_t site_open[NSITES];              /* first day open (INT64_MIN: always) */
    int64_t vtype_id[NVTYPES];
    int64_t ecat_id[NECATS];
    int64_t site_vehicles[NSITES][MAX_SITE_VEHICLES];   /* working vehicles */
    int nsite_vehicles[NSITES];
    long vehicles, items;
};

/* Steps st once, expecting no row; on failure fills in the words. */
static int step_done(depot *d, sqlite3_stmt *st, const char *what)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        return depot_sqlfail(d, what);
    return DEPOT_OK;
}

static int64_t parse_day(const char *s)
{
    int y, m, d;
    if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return 0;
    return days_from_civil(y, m, d);
}

static int site_index(const char *slug)
{
    for (size_t i = 0; i < NSITES; i++)
        if (!strcmp(sites[i].slug, slug))
            return (int)i;
    return -1;
}

static int vtype_index(const char *slug)
{
    for (size_t i = 0; i < NVTYPES; i++)
        if (!strcmp(vtypes[i].slug, slug))
            return (int)i;
    return -1;
}

static int seed_sites(struct seeder *s)
{
    for (size_t i = 0; i < NSITES; i++) {
        const struct site_fact *f = &sites[i];
        sqlite3_stmt *st = depot_stmt(s->d,
            "INSERT INTO site (slug, name, kind, state, opened, created_ns)"
            " VALUES (?, ?, ?, 'operating', ?, ?)");
        if (!st)
            return DEPOT_EIO;
        sqlite3_bind_text(st, 1, f->slug, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, f->kind, -1, SQLITE_STATIC);
        if (f->opened)
            sqlite3_bind_text(st, 4, f->opened, -1, SQLITE_STATIC);
        int64_t created = parse_day(f->opened ? f->opened : SITE_LONGSTANDING_CREATED);
        sqlite3_bind_int64(st, 5, day_ns(created));
        int rc = step_done(s->d, st, "cannot write the sites");
        if (rc)
            return rc;
        s->site_id[i] = sqlite3_last_insert_rowid(depot_db(s->d));
        s->site_open[i] = f->opened ? created : INT64_MIN;
    }
    return DEPOT_OK;
}

static int insert_category(struct seeder *s, const char *slug, const char *name,
                           const char *kind, const char *class, int life, int interval,
                           int64_t *id)
{
    sqlite3_stmt *st = depot_stmt(s->d,
        "INSERT INTO category (slug, name, kind, class, service_life, inspection_interval,"
        " created_ns) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, class, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, life);
    sqlite3_bind_int(st, 6, interval);
    sqlite3_bind_int64(st, 7, day_ns(days_from_civil(FIRST_YEAR, 1, 1)));
    int rc = step_done(s->d, st, "cannot write the categories");
    if (!rc)
        *id = sqlite3_last_insert_rowid(depot_db(s->d));
    return rc;
}

static int seed_categories(struct seeder *s)
{
    int rc = DEPOT_OK;
    for (size_t i = 0; i < NVTYPES && !rc; i++)
        rc = insert_category(s, vtypes[i].slug, vtypes[i].name, "vehicle", vtypes[i].class,
                             VEHICLE_LIFE, VEHICLE_INSPECTION_DAYS, &s->vtype_id[i]);
    for (size_t i = 0; i < NECATS && !rc; i++)
        rc = insert_category(s, ecats[i].slug, ecats[i].name, "equipment", ecats[i].class,
                             ecats[i].life, ecats[i].interval, &s->ecat_id[i]);
    return rc;
}

/* Kilometres a year a vehicle of this class runs in a dense city district. */
static int yearly_km(const char *class)
{
    if (!strcmp(class, "aerial"))
        return 2500;
    if (!strcmp(class, "support"))
        return 5500;
    return 4200;
}

static int seed_vehicles(struct seeder *s)
{
    uint64_t rng = s->rng ^ 0x76656869636c6573ULL;      /* "vehicles" */
    int counter[NSITES][NVTYPES] = { { 0 } };
    int used_plates[NFLEET];
    for (size_t i = 0; i < NFLEET; i++) {
        const struct vehicle_fact *f = &fleet[i];
        int si = site_index(f->site), ti = vtype_index(f->type);
        if (si < 0 || ti < 0)
            return depot_fail(s->d, DEPOT_EIO, "cannot write vehicle %zu: unknown site or type", i);
        int retired = !strcmp(f->status, "retired");
        char callsign[64], plate[32], next[11];
        snprintf(callsign, sizeof callsign, "%s-%s-%d", sites[si].abbr, f->type,
                 ++counter[si][ti]);
        int number;
        for (;;) {      /* four digits, unique in the fleet */
            number = 1000 + (int)rnd_below(&rng, 9000);
            size_t k = 0;
            while (k < i && used_plates[k] != number)
                k++;
            if (k == i)
                break;
        }
        used_plates[i] = number;
        snprintf(plate, sizeof plate, "渝A%04d应急", number);
        /* Bought in its year; a vehicle now at a site that opened later
         * (Hualongqiao, relocated in 2025) was moved there on its opening. */
        int64_t entered = days_from_civil(f->year, 1, 1) + rnd_below(&rng, 300);
        int end_year = retired ? f->year + VEHICLE_LIFE : REF_DATE_Y;
        int64_t end = retired ? days_from_civil(end_year, 6, 30) : s->ref_day;
        int64_t km = (end - entered) * yearly_km(vtypes[ti].class) / 365;
        km = km * (80 + (int64_t)rnd_below(&rng, 41)) / 100;
        sqlite3_stmt *st = depot_stmt(s->d,
            "INSERT INTO vehicle (callsign, type_id, station_id, status, plate, year, mileage,"
            " next_service, created_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!st)
            return DEPOT_EIO;
        sqlite3_bind_text(st, 1, callsign, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, s->vtype_id[ti]);
        sqlite3_bind_int64(st, 3, s->site_id[si]);
        sqlite3_bind_text(st, 4, f->status, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, plate, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 6, f->year);
        sqlite3_bind_int64(st, 7, km);
        if (!retired) {     /* due within the next half year, a few already late */
            format_day(s->ref_day - 20 + rnd_below(&rng, 200), next);
            sqlite3_bind_text(st, 8, next, -1, SQLITE_STATIC);
        }
        sqlite3_bind_int64(st, 9, day_ns(entered));
        int rc = step_done(s->d, st, "cannot write the fleet");
        if (rc)
            return rc;
        int64_t id = sqlite3_last_insert_rowid(depot_db(s->d));
        if (!retired && s->nsite_vehicles[si] < MAX_SITE_VEHICLES)
            s->site_vehicles[si][s->nsite_vehicles[si]++] = id;
        s->vehicles++;
    }
    return DEPOT_OK;
}

/* A weighted choice among n weights; total is their sum (> 0). */
static int pick_weighted(uint64_t *rng, const int *w, int n, int total)
{
    int r = (int)rnd_below(rng, (unsigned)total);
    for (int i = 0; i < n; i++) {
        if (r < w[i])
            return i;
        r -= w[i];
    }
    return n - 1;
}

/* The first three letters or digits of model, upper-cased: the serial's maker code. */
static void maker_code(const char *model, char code[4])
{
    int n = 0;
    for (const char *p = model; *p && n < 3; p++) {
        char c = *p;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            code[n++] = c;
    }
    while (n < 3)
        code[n++] = 'X';
    code[3] = '\0';
}

/* Everything random about one item, decided before its row is written. */
struct item_row {
    int cat, site;
    int64_t vehicle;            /* 0: not loaded */
    const char *status;
    int64_t acquired, inspected;    /* inspected < 0: never */
    const char *model;
};

static void invent_item(struct seeder *s, int64_t day, struct item_row *it)
{
    uint64_t *rng = &s->rng;
    int w[NSITES], total = 0;
    for (size_t i = 0; i < NSITES; i++) {
        w[i] = day >= s->site_open[i] ? sites[i].weight : 0;
        total += w[i];
    }
    it->site = pick_weighted(rng, w, (int)NSITES, total);
    enum profile p = sites[it->site].profile;
    int cw[NECATS], ctotal = 0;
    for (size_t i = 0; i < NECATS; i++) {
        cw[i] = ecats[i].weight[p];
        ctotal += cw[i];
    }
    it->cat = pick_weighted(rng, cw, (int)NECATS, ctotal);
    const struct ecat_fact *c = &ecats[it->cat];
    int nmodels = 0;
    while (nmodels < 4 && c->models[nmodels])
        nmodels++;
    it->model = c->models[rnd_below(rng, (unsigned)nmodels)];
    it->acquired = day;
    it->vehicle = 0;

    /* Past its service life: retired more often the longer ago it ended. */
    int64_t expires = add_years(day, c->life);
    unsigned r = rnd_below(rng, 1000);
    if (expires <= s->ref_day
        && r < (expires < days_from_civil(REF_DATE_Y - 1, 1, 1) ? 850u : 400u)) {
        it->status = "retired";
        int64_t last = expires - 1 - rnd_below(rng, (unsigned)c->interval);
        it->inspected = last > day ? last : day;
        return;
    }
    r = rnd_below(rng, 1000);
    if (p == P_LOGISTICS)
        it->status = r < 850 ? "reserve" : r < 950 ? "in-service" : "maintenance";
    else
        it->status = r < 890 ? "in-service" : r < 930 ? "reserve"
                   : r < 980 ? "maintenance" : "out-of-service";

    /* Inspected within about one interval; a quarter overdue; a few never. */
    unsigned never = !strcmp(it->status, "reserve") ? 120 : 20;
    if (rnd_below(rng, 1000) < never) {
        it->inspected = -1;
    } else {
        int64_t last = s->ref_day - 1 - rnd_below(rng, (unsigned)(c->interval * 5 / 4 + 1));
        it->inspected = last > day ? last : day;
    }

    if (c->loadable && !strcmp(it->status, "in-service") && s->nsite_vehicles[it->site] > 0
        && rnd_below(rng, 100) < 35)
        it->vehicle = s->site_vehicles[it->site]
                      [rnd_below(rng, (unsigned)s->nsite_vehicles[it->site])];
}

static int insert_item(struct seeder *s, const struct item_row *it, int number, uint32_t serial)
{
    char tag[80], serial_text[32], code[4], acquired[11], inspected[11];
    const struct ecat_fact *c = &ecats[it->cat];
    int y, m, dd;
    civil_from_days(it->acquired, &y, &m, &dd);
    snprintf(tag, sizeof tag, "%s-%06d", c->slug, number);
    maker_code(it->model, code);
    snprintf(serial_text, sizeof serial_text, "%s%02d-%08X", code, y % 100, serial);
    format_day(it->acquired, acquired);
    sqlite3_stmt *st = depot_stmt(s->d,
        "INSERT INTO item (tag, category_id, model, serial, station_id, vehicle_id, status,"
        " acquired, last_inspection, created_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, s->ecat_id[it->cat]);
    sqlite3_bind_text(st, 3, it->model, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, serial_text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, s->site_id[it->site]);
    if (it->vehicle)
        sqlite3_bind_int64(st, 6, it->vehicle);
    sqlite3_bind_text(st, 7, it->status, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, acquired, 10, SQLITE_STATIC);
    if (it->inspected >= 0) {
        format_day(it->inspected, inspected);
        sqlite3_bind_text(st, 9, inspected, 10, SQLITE_STATIC);
    }
    sqlite3_bind_int64(st, 10, day_ns(it->acquired));
    return step_done(s->d, st, "cannot write the equipment");
}

static int seed_items(struct seeder *s, const depot_seed_opts *o, long n)
{
    long per_year[NYEARS], sum = 0;
    int wtotal = 0, tag_number[NECATS] = { 0 };
    for (int y = 0; y < NYEARS; y++)
        wtotal += year_weight[y];
    for (int y = 0; y < NYEARS; y++) {
        per_year[y] = (long)((long long)n * year_weight[y] / wtotal);
        sum += per_year[y];
    }
    for (int y = NYEARS - 1; sum < n; y = (y + NYEARS - 1) % NYEARS, sum++)
        per_year[y]++;          /* the rounding remainder goes to the newest years */

    long done = 0, step = n / 100 > 0 ? n / 100 : 1;
    uint32_t serial_mix = (uint32_t)(s->rng >> 17);
    for (int y = 0; y < NYEARS; y++) {
        int64_t first = days_from_civil(FIRST_YEAR + y, 1, 1);
        int64_t ndays = days_from_civil(FIRST_YEAR + y + 1, 1, 1) - first;
        for (long j = 0; j < per_year[y]; j++) {
            /* spread evenly over the year, in date order */
            struct item_row it;
            invent_item(s, first + (int64_t)((long long)j * ndays / per_year[y]), &it);
            int rc = insert_item(s, &it, ++tag_number[it.cat],
                                 perm32((uint32_t)done ^ serial_mix));
            if (rc)
                return rc;
            done++;
            if (o->progress && (done % step == 0 || done == n))
                o->progress(o->ctx, done, n);
        }
    }
    s->items = done;
    return DEPOT_OK;
}

static int seed_reserves(struct seeder *s)
{
    int64_t created = day_ns(s->site_open[site_index("logistics-base")]);
    for (size_t i = 0; i < NMODULES; i++) {
        const struct module_fact *f = &modules[i];
        sqlite3_stmt *st = depot_stmt(s->d,
            "INSERT INTO reserve_module (slug, name, location, created_ns) VALUES (?, ?, ?, ?)");
        if (!st)
            return DEPOT_EIO;
        sqlite3_bind_text(st, 1, f->slug, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, f->location, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, created);
        int rc = step_done(s->d, st, "cannot write the reserve modules");
        if (rc)
            return rc;
        int64_t module = sqlite3_last_insert_rowid(depot_db(s->d));
        for (const struct line_fact *l = f->lines; l->slug; l++) {
            st = depot_stmt(s->d,
                "INSERT INTO reserve_line (module_id, slug, name, unit, count, target, minimum,"
                " created_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
            if (!st)
                return DEPOT_EIO;
            sqlite3_bind_int64(st, 1, module);
            sqlite3_bind_text(st, 2, l->slug, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, l->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, l->unit, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 5, l->count);
            sqlite3_bind_int(st, 6, l->target);
            sqlite3_bind_int(st, 7, l->minimum);
            sqlite3_bind_int64(st, 8, created);
            rc = step_done(s->d, st, "cannot write the reserve lines");
            if (rc)
                return rc;
        }
    }
    return DEPOT_OK;
}

static int insert_plan_line(struct seeder *s, int year, int64_t category, int planned)
{
    sqlite3_stmt *st = depot_stmt(s->d,
        "INSERT INTO plan_line (year, category_id, planned) VALUES (?, ?, ?)");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_int64(st, 2, category);
    sqlite3_bind_int(st, 3, planned);
    return step_done(s->d, st, "cannot write the plans");
}

static int seed_plans(struct seeder *s)
{
    int64_t created = day_ns(parse_day(PLAN_ISSUED));
    int wtotal = 0, rc;
    for (size_t c = 0; c < NECATS; c++)
        wtotal += ecats[c].weight[P_STATION];
    for (size_t i = 0; i < NPLAN_YEARS; i++) {
        const struct plan_year_fact *f = &plan_years[i];
        sqlite3_stmt *st = depot_stmt(s->d,
            "INSERT INTO plan (year, recruits, created_ns) VALUES (?, ?, ?)");
        if (!st)
            return DEPOT_EIO;
        sqlite3_bind_int(st, 1, f->year);
        sqlite3_bind_int(st, 2, f->recruits);
        sqlite3_bind_int64(st, 3, created);
        if ((rc = step_done(s->d, st, "cannot write the plans")))
            return rc;
        for (size_t v = 0; v < NPLAN_VEHICLES; v++)
            if (plan_vehicles[v].year == f->year
                && (rc = insert_plan_line(s, f->year,
                                          s->vtype_id[vtype_index(plan_vehicles[v].type)],
                                          plan_vehicles[v].planned)))
                return rc;
        /* the year's equipment shared out as a station's mix, rounded up to tens */
        for (size_t c = 0; c < NECATS; c++) {
            int planned = (f->equipment * ecats[c].weight[P_STATION] / wtotal + 9) / 10 * 10;
            if (planned > 0 && (rc = insert_plan_line(s, f->year, s->ecat_id[c], planned)))
                return rc;
        }
    }
    sqlite3_stmt *st = depot_stmt(s->d,
        "INSERT INTO plan_period (name, first_year, last_year, stated_vehicles,"
        " stated_equipment, stated_recruits, source) VALUES (?, 2021, 2025, 12, 20000, 200, ?)");
    if (!st)
        return DEPOT_EIO;
    sqlite3_bind_text(st, 1, "14th five-year plan (十四五) 2021-2025", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, "渝中区消防救援事业发展“十四五”规划, issued " PLAN_ISSUED, -1,
                      SQLITE_STATIC);
    return step_done(s->d, st, "cannot write the planning period");
}

static int seed_facts(struct seeder *s)
{
    int rc;
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        sqlite3_stmt *st = depot_stmt(s->d, "INSERT INTO setting (key, value) VALUES (?, ?)");
        if (!st)
            return DEPOT_EIO;
        sqlite3_bind_text(st, 1, settings[i].key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, settings[i].value, -1, SQLITE_STATIC);
        if ((rc = step_done(s->d, st, "cannot write the settings")))
            return rc;
    }
    for (size_t i = 0; i < sizeof indicators / sizeof indicators[0]; i++) {
        const struct indicator_fact *f = &indicators[i];
        sqlite3_stmt *st = depot_stmt(s->d,
            "INSERT INTO indicator (slug, name, unit, baseline_year, baseline, target_year,"
            " target, kind, measure) VALUES (?, ?, ?, 2020, ?, 2025, ?, ?, ?)");
        if (!st)
            return DEPOT_EIO;
        sqlite3_bind_text(st, 1, f->slug, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, f->unit, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 4, f->baseline);
        sqlite3_bind_double(st, 5, f->target);
        sqlite3_bind_text(st, 6, f->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, f->measure, -1, SQLITE_STATIC);
        if ((rc = step_done(s->d, st, "cannot write the indicators")))
            return rc;
    }
    return DEPOT_OK;
}

/* Reads one integer from a statement that returns one row. */
static int query_int(depot *d, sqlite3_stmt *st, int64_t *v)
{
    if (!st)
        return DEPOT_EIO;
    if (sqlite3_step(st) != SQLITE_ROW)
        return depot_sqlfail(d, "cannot read the depot");
    *v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return DEPOT_OK;
}

/* Sets the page cache size in KiB; returns the previous setting (PRAGMA form). */
static int64_t set_cache(depot *d, int64_t kib_or_pages)
{
    int64_t old = -2000;
    char sql[64];
    query_int(d, depot_stmt(d, "PRAGMA cache_size"), &old);
    snprintf(sql, sizeof sql, "PRAGMA cache_size = %lld", (long long)kib_or_pages);
    sqlite3_exec(depot_db(d), sql, NULL, NULL, NULL);
    return old;
}

int depot_seed(depot *d, const depot_seed_opts *o)
{
    static const depot_seed_opts defaults = { 0 };
    if (!o)
        o = &defaults;
    long n = o->items > 0 ? o->items : DEFAULT_ITEMS;
    struct seeder *s = calloc(1, sizeof *s);
    if (!s)
        return depot_fail(d, DEPOT_ENOMEM, "cannot seed the depot: out of memory");
    s->d = d;
    s->rng = (uint64_t)o->seed * 0x9e3779b97f4a7c15ULL ^ 0x6465706f74667321ULL;
    s->ref_day = days_from_civil(REF_DATE_Y, REF_DATE_M, REF_DATE_D);

    int rc = depot_begin(d);
    if (rc) {
        free(s);
        return rc;
    }
    int64_t old_cache = set_cache(d, -SEED_CACHE_KIB), nsites = 0;
    rc = query_int(d, depot_stmt(d, "SELECT count(*) FROM site"), &nsites);
    if (!rc && nsites > 0)
        rc = depot_fail(d, DEPOT_EEXIST, "the depot already holds %lld sites (seed an empty depot)",
                        (long long)nsites);
    if (!rc)
        rc = seed_sites(s);
    if (!rc)
        rc = seed_categories(s);
    if (!rc)
        rc = seed_vehicles(s);
    if (!rc)
        rc = seed_reserves(s);
    if (!rc)
        rc = seed_plans(s);
    if (!rc)
        rc = seed_facts(s);
    if (!rc)
        rc = seed_items(s, o, n);
    if (!rc)
        rc = depot_commit(d);
    else
        depot_rollback(d);
    set_cache(d, old_cache);
    free(s);
    return rc;
}
