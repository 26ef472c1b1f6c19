/* Calls libsubid's C API as its clients do and prints each answer on one line, so the same
   commands can be run against shadow's libsubid.so.4 and ours and the outputs compared. Built
   twice by t_libsubid.sh, linked against each library. Commands (one per argument, in order):
     ranges:u:OWNER  ranges:g:OWNER       subid_get_{uid,gid}_ranges
     owners:u:ID     owners:g:ID          subid_get_{uid,gid}_owners (uids sorted)
     grant:u:OWNER:START:COUNT:REUSE      subid_grant_{uid,gid}_range
     ungrant:u:OWNER:START:COUNT          subid_ungrant_{uid,gid}_range
   With -DHAVE_SUBID_FREE (ABI 5) arrays are released with subid_free, else with free(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "subid.h"

static void release(void *p) {
#ifdef HAVE_SUBID_FREE
    subid_free(p);
#else
    free(p);
#endif
}

static int cmp_uid(const void *a, const void *b) {
    uid_t x = *(const uid_t *)a, y = *(const uid_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    subid_init("libsubid-calls", stderr);
    for (int i = 1; i < argc; i++) {
        char *copy = strdup(argv[i]);
        char *op = strtok(copy, ":"), *type = strtok(NULL, ":"), *a = strtok(NULL, ":"), *b = strtok(NULL, ":"),
             *c = strtok(NULL, ":"), *d = strtok(NULL, ":");
        int gid = type && type[0] == 'g';
        printf("%s ->", argv[i]);
        if (op && a && strcmp(op, "ranges") == 0) {
            struct subid_range *r = NULL;
            int n = gid ? subid_get_gid_ranges(a, &r) : subid_get_uid_ranges(a, &r);
            printf(" %d", n);
            for (int k = 0; k < n; k++) printf(" %lu+%lu", r[k].start, r[k].count);
            if (n > 0) release(r);
        } else if (op && a && strcmp(op, "owners") == 0) {
            uid_t *u = NULL;
            unsigned long id = strtoul(a, NULL, 10);
            int n = gid ? subid_get_gid_owners((gid_t)id, &u) : subid_get_uid_owners((uid_t)id, &u);
            printf(" %d", n);
            if (n > 0) {
                qsort(u, (size_t)n, sizeof *u, cmp_uid);
                for (int k = 0; k < n; k++) printf(" %u", (unsigned)u[k]);
                release(u);
            }
        } else if (op && a && b && c && strcmp(op, "grant") == 0) {
            struct subordinate_range r = { a, strtoul(b, NULL, 10), strtoul(c, NULL, 10) };
            int reuse = d && d[0] == '1';
            int ok = gid ? subid_grant_gid_range(&r, reuse) : subid_grant_uid_range(&r, reuse);
            if (ok) printf(" true %lu+%lu", r.start, r.count); else printf(" false");
        } else if (op && a && b && c && strcmp(op, "ungrant") == 0) {
            struct subordinate_range r = { a, strtoul(b, NULL, 10), strtoul(c, NULL, 10) };
            int ok = gid ? subid_ungrant_gid_range(&r) : subid_ungrant_uid_range(&r);
            printf(" %s", ok ? "true" : "false");
        } else {
            printf(" bad command");
        }
        printf("\n");
        fflush(stdout);
        free(copy);
    }
    return 0;
}
