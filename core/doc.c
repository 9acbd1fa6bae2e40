/*
 * doc.c: framing of whole-document writes.
 *
 * A plan or a delivery note may reach the depot in several write() calls
 * (cp writes in 128 KiB pieces).  depot_doc_complete() tells the front end
 * whether the bytes so far already form a document (store it now, and refuse
 * it at this write if it is invalid), could still become one (wait for more),
 * or never can (refuse now).  It decides with jansson's own parser, which
 * tells a document cut short from one that is wrong.
 */
#include <jansson.h>

#include "depot.h"

int depot_doc_complete(const char *buf, size_t len)
{
    json_error_t err;
    json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    if (j) {
        json_decref(j);
        return 1;
    }
    /* Empty input and a document cut short are both "premature end". */
    return json_error_code(&err) == json_error_premature_end_of_input ? 0 : -1;
}
