/*
 * fuzz_json_complete.c: depot_doc_complete() (core/doc.c), the framing of
 * documents written in several write() calls, on arbitrary bytes.
 *
 * Its contract gives three answers: 1 the bytes are a whole document, 0 a
 * valid beginning more bytes could complete, -1 beyond repair.  So:
 *   - 1 iff jansson parses the bytes (with the same flags) after a UTF-8
 *     byte-order mark, which is skipped;
 *   - every proper prefix of a document that is whole or could still be
 *     completed must itself be completable (not -1), wherever a write()
 *     happens to cut it - inside a number, a literal or a UTF-8 character;
 *   - once beyond repair, more bytes never make it whole.
 * Prefixes are checked for the first 512 bytes (the check is quadratic).
 */
#include "fuzz.h"

#include <jansson.h>

#define PREFIX_MAX 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    int r = depot_doc_complete(buf, size);
    FUZZ_ASSERT(r == 1 || r == 0 || r == -1);
    json_error_t err;
    size_t bom = size >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3) ? 3 : 0;
    json_t *j = json_loadb(buf + bom, size - bom, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
    FUZZ_ASSERT((j != NULL) == (r == 1));
    json_decref(j);
    if (r >= 0) {
        size_t n = size < PREFIX_MAX ? size : PREFIX_MAX;
        for (size_t i = 0; i < n; i++) {
            int p = depot_doc_complete(buf, i);
            if (p < 0) {
                fprintf(stderr, "the prefix of %zu bytes of a %s document is refused\n", i,
                        r ? "whole" : "valid");
                FUZZ_ASSERT(p >= 0);
            }
        }
    } else {
        /* Beyond repair: a closing suffix that completes many valid
         * beginnings does not make it whole. */
        static const char tail[] = "\"]}]}]}";
        char *more = malloc(size + sizeof tail);
        FUZZ_ASSERT(more);
        memcpy(more, buf, size);
        memcpy(more + size, tail, sizeof tail - 1);
        FUZZ_ASSERT(depot_doc_complete(more, size + sizeof tail - 1) != 1);
        free(more);
    }
    return 0;
}
