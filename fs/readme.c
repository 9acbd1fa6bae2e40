/*
 * readme.c: the README at the root of the mounted tree: what the tree is
 * and how to change values, for someone who just typed `cat README`.
 */
#include "fs.h"

static const char readme_text[] =
"depotfs - the fire and rescue district's equipment and logistics depot\n"
"\n"
"Every value is a small text file ending in a newline.  Read with cat,\n"
"change with echo.  Objects seen from several places are symlinks to\n"
"their one canonical directory.\n"
"\n"
"  stations/<site>/            name kind state opened summary\n"
"      vehicles/<callsign>     -> ../../../fleet/<callsign>\n"
"      equipment/<category>/<tag> -> ../../../../equipment/<tag>\n"
"  fleet/<callsign>/           type class station status plate year mileage\n"
"                              next-service notes history vehicle.json load/\n"
"  equipment/<tag>/            category model serial station vehicle status\n"
"                              acquired expires last-inspection next-inspection\n"
"                              notes history item.json\n"
"  categories/<category>/      name kind class service-life inspection-interval items/\n"
"  years/<year>/               plan.json acquired/<category>/ due/<category>/\n"
"  reserves/<module>/          name location summary <line>/\n"
"      <line>/                 name unit count target minimum history\n"
"  plans/<year>.json           procurement plan, planned against delivered\n"
"  deliveries/<note>.json      delivery notes: writing one receives its items\n"
"  reports/                    low-stock due-inspection end-of-life\n"
"                              plan-execution indicators (each also .csv)\n"
"  log/changes log/errors      every change, and every refused write\n"
"\n"
"Writable (mode 0644): equipment station vehicle status last-inspection\n"
"notes; vehicle station status mileage next-service notes; reserve line\n"
"count target minimum; category service-life inspection-interval; plans;\n"
"new delivery notes.  Everything else is read-only.\n"
"\n"
"Examples:\n"
"  echo maintenance > fleet/<callsign>/status\n"
"  echo \"maintenance: pump seal leaking\" > equipment/<tag>/status\n"
"  echo +40 > reserves/water-rescue/<line>/count     (adjust)\n"
"  echo \"-12: used at Chaotianmen fire\" > reserves/<module>/<line>/count\n"
"  echo hualongqiao > equipment/<tag>/station        (transfer)\n"
"  mv stations/a/equipment/scba/<tag> stations/b/equipment/scba/\n"
"  cp plan.json plans/2026.json\n"
"\n"
"Statuses: equipment in-service reserve maintenance out-of-service retired;\n"
"vehicles in-service standby maintenance out-of-service retired.\n"
"Dates are YYYY-MM-DD.  Text after a colon is the reason, kept in history.\n"
"A refused value fails the write (echo prints the error); log/errors says\n"
"why.  Nothing is ever deleted: retire with  echo retired > status.\n";

int fs_readme(depot *d, const struct fs_path *p, strbuf *out)
{
    (void)d;
    (void)p;
    strbuf_add(out, readme_text, sizeof readme_text - 1);
    return 0;
}
