/* subid.h: the C interface of libsubid.so.4 from subid-toolkit, source-compatible with shadow's
 * libsubid (the same names, types and numbers, ABI 4 plus ABI 5's subid_free), answering from
 * the same `subid:` sources of /etc/nsswitch.conf as the toolkit's newuidmap and getsubids.
 * Where the answers differ from shadow's, README ("The libsubid library") says why. */
#ifndef SUBID_RANGE_DEFINED
#define SUBID_RANGE_DEFINED 1

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define SUBID_ABI_VERSION 5.0.0
#define SUBID_ABI_MAJOR 5
#define SUBID_ABI_MINOR 0
#define SUBID_ABI_MICRO 0

/* A block of ids: start, start+1, ..., start+count-1. */
struct subid_range {
	unsigned long start;
	unsigned long count;
};

/* A block of ids and who holds it: one line of /etc/subuid or /etc/subgid. */
struct subordinate_range {
	const char *owner;
	unsigned long start;
	unsigned long count;
};

enum subid_type {
	ID_TYPE_UID = 1,
	ID_TYPE_GID = 2
};

/* What a `subid:` plugin (libsubid_NAME.so) answers. */
enum subid_status {
	SUBID_STATUS_SUCCESS = 0,
	SUBID_STATUS_UNKNOWN_USER = 1,
	SUBID_STATUS_ERROR_CONN = 2,
	SUBID_STATUS_ERROR = 3,
};

#ifdef __cplusplus
extern "C" {
#endif

/* Optional. Messages read "PROGNAME: text" (PROGNAME NULL: "(libsubid)") and go to LOGFD; NULL
 * drops them. Without this call they go to stderr. Returns false if /dev/null could not be opened. */
bool subid_init(const char *progname, FILE *logfd);

/* Releases an array returned by this library (the same as free()). */
void subid_free(void *ptr);

/* The ranges OWNER (a user name, or a uid in decimal) holds, from every source in order. Returns
 * how many were stored in *RANGES (release with subid_free; NULL when 0), or -1 on an error, which
 * is logged. */
int subid_get_uid_ranges(const char *owner, struct subid_range **ranges);
int subid_get_gid_ranges(const char *owner, struct subid_range **ranges);

/* The uids of the users whose ranges contain ID. Returns how many were stored in *OWNERS (release
 * with subid_free), or -1 on an error. */
int subid_get_uid_owners(uid_t uid, uid_t **owners);
int subid_get_gid_owners(gid_t gid, uid_t **owners);

/* Gives RANGE->owner a new range of RANGE->count ids in /etc/subuid (/etc/subgid), at or above
 * RANGE->start and SUB_UID_MIN (SUB_GID_MIN); with REUSE, a range the owner already holds of at
 * least that many ids instead. On success RANGE->start and RANGE->count say what was granted.
 * Needs the right to write the file (root). Returns false, logging why, otherwise. */
bool subid_grant_uid_range(struct subordinate_range *range, bool reuse);
bool subid_grant_gid_range(struct subordinate_range *range, bool reuse);

/* Takes RANGE->start .. RANGE->start+RANGE->count-1 away from RANGE->owner (cutting entries that
 * cross its ends). Returns false when the owner held none of it, or on an error. */
bool subid_ungrant_uid_range(struct subordinate_range *range);
bool subid_ungrant_gid_range(struct subordinate_range *range);

#ifdef __cplusplus
}
#endif

#endif
