/* A subid: source for tests, with shadow's plugin ABI (lib/prototypes.h): it serves the ranges
   in /etc/subid-testsrc (the test's scratch /etc), one per line:
     u OWNER START COUNT    a subordinate uid range
     g OWNER START COUNT    a subordinate gid range
     error OWNER            answer ERROR_CONN for OWNER (a server that cannot be reached)
     hang OWNER             never answer for OWNER
   has_range is true when one range covers the request (as SSSD's plugin does).
     noowners               find_subid_owners answers ERROR (as SSSD's, which lacks it) */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

enum subid_status { SUBID_STATUS_SUCCESS = 0, SUBID_STATUS_UNKNOWN_USER = 1, SUBID_STATUS_ERROR_CONN = 2, SUBID_STATUS_ERROR = 3 };
enum subid_type { ID_TYPE_UID = 1, ID_TYPE_GID = 2 };
struct subid_range { unsigned long start; unsigned long count; };

/* Reads the ranges of owner and type; returns -1 for an error owner (after hanging for a hang one). */
static int load(const char *owner, enum subid_type type, struct subid_range *out, int max, int *n) {
    FILE *f = fopen("/etc/subid-testsrc", "re");
    *n = 0;
    if (!f) return 0;
    char line[512], kind[16], who[256];
    unsigned long start, count;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        int fields = sscanf(line, "%15s %255s %lu %lu", kind, who, &start, &count);
        if (fields < 2 || strcmp(who, owner) != 0) continue;
        if (strcmp(kind, "hang") == 0) { for (;;) pause(); }
        if (strcmp(kind, "error") == 0) { rc = -1; break; }
        if (fields == 4 && *n < max && ((type == ID_TYPE_UID && strcmp(kind, "u") == 0) || (type == ID_TYPE_GID && strcmp(kind, "g") == 0))) {
            out[*n].start = start;
            out[*n].count = count;
            (*n)++;
        }
    }
    fclose(f);
    return rc;
}

enum subid_status shadow_subid_has_range(const char *owner, unsigned long start, unsigned long count, enum subid_type type, bool *result) {
    struct subid_range ranges[64];
    int n;
    *result = false;
    if (load(owner, type, ranges, 64, &n) < 0) return SUBID_STATUS_ERROR_CONN;
    if (n == 0) return SUBID_STATUS_UNKNOWN_USER;
    for (int i = 0; i < n; i++)
        if (start >= ranges[i].start && start + count <= ranges[i].start + ranges[i].count) *result = true;
    return SUBID_STATUS_SUCCESS;
}

enum subid_status shadow_subid_list_owner_ranges(const char *owner, enum subid_type type, struct subid_range **out, int *count) {
    struct subid_range ranges[64];
    int n;
    *out = NULL;
    *count = 0;
    if (load(owner, type, ranges, 64, &n) < 0) return SUBID_STATUS_ERROR_CONN;
    if (n == 0) return SUBID_STATUS_UNKNOWN_USER;
    *out = malloc(sizeof(struct subid_range) * (size_t)n);
    if (!*out) return SUBID_STATUS_ERROR;
    memcpy(*out, ranges, sizeof(struct subid_range) * (size_t)n);
    *count = n;
    return SUBID_STATUS_SUCCESS;
}

/* The uids of the owners whose u (or g) lines hold ID; a line "noowners" makes it answer ERROR,
   as SSSD's plugin always does. */
enum subid_status shadow_subid_find_subid_owners(unsigned long id, enum subid_type type, uid_t **uids, int *count) {
    *uids = NULL;
    *count = 0;
    FILE *f = fopen("/etc/subid-testsrc", "re");
    if (!f) return SUBID_STATUS_SUCCESS;
    char line[512], kind[16], who[256];
    unsigned long start, n;
    uid_t found[64];
    int k = 0;
    while (fgets(line, sizeof line, f)) {
        int fields = sscanf(line, "%15s %255s %lu %lu", kind, who, &start, &n);
        if (fields >= 1 && strcmp(kind, "noowners") == 0) { fclose(f); return SUBID_STATUS_ERROR; }
        if (fields != 4 || !((type == ID_TYPE_UID && strcmp(kind, "u") == 0) || (type == ID_TYPE_GID && strcmp(kind, "g") == 0))) continue;
        if (id < start || id >= start + n) continue;
        struct passwd *pw = getpwnam(who);
        if (!pw) continue;
        int seen = 0;
        for (int i = 0; i < k; i++) seen |= found[i] == pw->pw_uid;
        if (!seen && k < 64) found[k++] = pw->pw_uid;
    }
    fclose(f);
    if (k == 0) return SUBID_STATUS_SUCCESS;
    *uids = malloc(sizeof(uid_t) * (size_t)k);
    if (!*uids) return SUBID_STATUS_ERROR;
    memcpy(*uids, found, sizeof(uid_t) * (size_t)k);
    *count = k;
    return SUBID_STATUS_SUCCESS;
}

void shadow_subid_free(void *ptr) { free(ptr); }
