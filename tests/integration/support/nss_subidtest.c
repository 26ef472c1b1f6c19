/* A name-service module for tests only: libnss_subidtest.so.2 serves users (and a group of the
   same name and id) from /etc/subidtest-users, one per line: NAME<TAB>UID<TAB>GID. Names may
   hold any byte but tab and newline, so a test can play a directory account whose name has
   colons. Enumeration (getpwent/getgrent) answers nothing while /etc/subidtest-noenum exists,
   as SSSD's default (enumerate = false). Loaded by non-setuid test processes through
   LD_LIBRARY_PATH and `passwd: files subidtest` in the scratch /etc/nsswitch.conf. */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct entry { char name[512]; unsigned long uid, gid; };

static int read_entry(FILE *f, struct entry *e) {
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char *tab1 = strchr(line, '\t'); if (!tab1) continue;
        char *tab2 = strchr(tab1 + 1, '\t'); if (!tab2) continue;
        *tab1 = 0;
        if (strlen(line) >= sizeof e->name) continue;
        strcpy(e->name, line);
        e->uid = strtoul(tab1 + 1, NULL, 10);
        e->gid = strtoul(tab2 + 1, NULL, 10);
        return 1;
    }
    return 0;
}

static enum nss_status fill_pw(const struct entry *e, struct passwd *pw, char *buf, size_t len, int *errnop) {
    size_t n = strlen(e->name) + 1;
    if (len < n + 2 + 6 + 18) { *errnop = ERANGE; return NSS_STATUS_TRYAGAIN; }
    memcpy(buf, e->name, n); pw->pw_name = buf; buf += n;
    strcpy(buf, "x"); pw->pw_passwd = buf; buf += 2;
    strcpy(buf, "/"); pw->pw_dir = buf; pw->pw_gecos = buf + 1; buf[1] = 0; buf += 3;
    strcpy(buf, "/usr/sbin/nologin"); pw->pw_shell = buf;
    pw->pw_uid = (uid_t)e->uid; pw->pw_gid = (gid_t)e->gid;
    return NSS_STATUS_SUCCESS;
}

static enum nss_status fill_gr(const struct entry *e, struct group *gr, char *buf, size_t len, int *errnop) {
    size_t n = strlen(e->name) + 1;
    if (len < n + 2 + 2 * sizeof(char *)) { *errnop = ERANGE; return NSS_STATUS_TRYAGAIN; }
    char **members = (char **)buf; members[0] = NULL; buf += 2 * sizeof(char *);
    memcpy(buf, e->name, n); gr->gr_name = buf; buf += n;
    strcpy(buf, "x"); gr->gr_passwd = buf;
    gr->gr_gid = (gid_t)e->gid; gr->gr_mem = members;
    return NSS_STATUS_SUCCESS;
}

static FILE *open_users(void) { return fopen("/etc/subidtest-users", "re"); }
static int enumerates(void) { return access("/etc/subidtest-noenum", F_OK) != 0; }

#define LOOKUP(fn, T, fill, cond, ...) \
enum nss_status fn(__VA_ARGS__, T *out, char *buf, size_t len, int *errnop) { \
    FILE *f = open_users(); struct entry e; \
    if (!f) return NSS_STATUS_UNAVAIL; \
    while (read_entry(f, &e)) if (cond) { fclose(f); return fill(&e, out, buf, len, errnop); } \
    fclose(f); return NSS_STATUS_NOTFOUND; \
}
LOOKUP(_nss_subidtest_getpwnam_r, struct passwd, fill_pw, strcmp(e.name, name) == 0, const char *name)
LOOKUP(_nss_subidtest_getpwuid_r, struct passwd, fill_pw, e.uid == uid, uid_t uid)
LOOKUP(_nss_subidtest_getgrnam_r, struct group, fill_gr, strcmp(e.name, name) == 0, const char *name)
LOOKUP(_nss_subidtest_getgrgid_r, struct group, fill_gr, e.gid == gid, gid_t gid)

static FILE *pw_cursor, *gr_cursor;
enum nss_status _nss_subidtest_setpwent(int stay) { (void)stay; if (pw_cursor) fclose(pw_cursor); pw_cursor = enumerates() ? open_users() : NULL; return NSS_STATUS_SUCCESS; }
enum nss_status _nss_subidtest_endpwent(void) { if (pw_cursor) fclose(pw_cursor); pw_cursor = NULL; return NSS_STATUS_SUCCESS; }
enum nss_status _nss_subidtest_getpwent_r(struct passwd *pw, char *buf, size_t len, int *errnop) {
    struct entry e;
    if (!pw_cursor || !read_entry(pw_cursor, &e)) return NSS_STATUS_NOTFOUND;
    return fill_pw(&e, pw, buf, len, errnop);
}
enum nss_status _nss_subidtest_setgrent(int stay) { (void)stay; if (gr_cursor) fclose(gr_cursor); gr_cursor = enumerates() ? open_users() : NULL; return NSS_STATUS_SUCCESS; }
enum nss_status _nss_subidtest_endgrent(void) { if (gr_cursor) fclose(gr_cursor); gr_cursor = NULL; return NSS_STATUS_SUCCESS; }
enum nss_status _nss_subidtest_getgrent_r(struct group *gr, char *buf, size_t len, int *errnop) {
    struct entry e;
    if (!gr_cursor || !read_entry(gr_cursor, &e)) return NSS_STATUS_NOTFOUND;
    return fill_gr(&e, gr, buf, len, errnop);
}
