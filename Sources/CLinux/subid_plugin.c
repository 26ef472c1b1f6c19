/* shadow's nsswitch `subid:` plugin ABI (lib/prototypes.h, struct subid_nss_ops): the four
   functions a libsubid_NAME.so exports, loaded from an absolute path the caller has checked,
   and each call bounded by a timer: a source that does not answer is a refusal, not a hang.
   `seconds` 0 sets no timer: the libsubid library runs inside its caller's process, whose
   signals (SIGALRM among them) are not ours to take. */
#include "CLinux.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

struct clinux_subid_range_c { unsigned long start; unsigned long count; };

typedef int (*has_range_fn)(const char *, unsigned long, unsigned long, int, bool *);
typedef int (*list_ranges_fn)(const char *, int, struct clinux_subid_range_c **, int *);
typedef int (*find_owners_fn)(unsigned long, int, uid_t **, int *);
typedef void (*free_fn)(void *);

struct clinux_subid_plugin {
    void *handle;
    has_range_fn has_range;
    list_ranges_fn list_owner_ranges;
    find_owners_fn find_subid_owners;
    free_fn free;
};

static char timeout_message[256];

const char *clinux_multiarch_triplet(void) {
#if defined(__x86_64__)
    return "x86_64-linux-gnu";
#elif defined(__aarch64__)
    return "aarch64-linux-gnu";
#elif defined(__riscv) && __riscv_xlen == 64
    return "riscv64-linux-gnu";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "powerpc64le-linux-gnu";
#elif defined(__s390x__)
    return "s390x-linux-gnu";
#else
    return "unknown-linux-gnu";
#endif
}

static void on_timeout(int sig) {
    (void)sig;
    (void)!write(2, timeout_message, strlen(timeout_message));
    _exit(1);
}

const char *clinux_subid_plugin_open(const char *path, clinux_subid_plugin **out) {
    *out = NULL;
    /* RTLD_NOW: a missing symbol fails here, not in the middle of a check. */
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) return dlerror();
    clinux_subid_plugin *p = calloc(1, sizeof *p);
    if (!p) { dlclose(handle); return "out of memory"; }
    p->handle = handle;
    p->has_range = (has_range_fn)dlsym(handle, "shadow_subid_has_range");
    p->list_owner_ranges = (list_ranges_fn)dlsym(handle, "shadow_subid_list_owner_ranges");
    p->find_subid_owners = (find_owners_fn)dlsym(handle, "shadow_subid_find_subid_owners");
    p->free = (free_fn)dlsym(handle, "shadow_subid_free");
    if (!p->has_range || !p->list_owner_ranges || !p->find_subid_owners || !p->free) {
        dlclose(handle);
        free(p);
        return "it does not export shadow_subid_has_range, shadow_subid_list_owner_ranges, shadow_subid_find_subid_owners and shadow_subid_free";
    }
    *out = p;
    return NULL;
}

static void arm(const char *message, unsigned int seconds, struct sigaction *old) {
    if (seconds == 0) return;
    size_t n = strlen(message);
    if (n >= sizeof timeout_message - 1) n = sizeof timeout_message - 2;
    memcpy(timeout_message, message, n);
    timeout_message[n] = '\n';
    timeout_message[n + 1] = 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_timeout;
    sigaction(SIGALRM, &action, old);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    alarm(seconds);
}

static void disarm(const struct sigaction *old, unsigned int seconds) {
    if (seconds == 0) return;
    alarm(0);
    sigaction(SIGALRM, old, NULL);
}

int clinux_subid_plugin_has_range(clinux_subid_plugin *p, const char *owner, unsigned long start, unsigned long count,
                                  int type, int *result, const char *timeout, unsigned int seconds) {
    struct sigaction old;
    bool answer = false;
    arm(timeout, seconds, &old);
    int status = p->has_range(owner, start, count, type, &answer);
    disarm(&old, seconds);
    *result = answer ? 1 : 0;
    return status;
}

int clinux_subid_plugin_list_ranges(clinux_subid_plugin *p, const char *owner, int type, unsigned long *starts,
                                    unsigned long *counts, int capacity, int *count, const char *timeout, unsigned int seconds) {
    struct sigaction old;
    struct clinux_subid_range_c *ranges = NULL;
    int n = 0;
    arm(timeout, seconds, &old);
    int status = p->list_owner_ranges(owner, type, &ranges, &n);
    disarm(&old, seconds);
    *count = 0;
    if (status == 0 && ranges && n > 0) {
        for (int i = 0; i < n && i < capacity; i++) { starts[i] = ranges[i].start; counts[i] = ranges[i].count; }
        *count = n < capacity ? n : capacity;
    }
    if (ranges) p->free(ranges);
    return status;
}

int clinux_subid_plugin_find_owners(clinux_subid_plugin *p, unsigned long id, int type, uid_t *owners, int capacity,
                                    int *count, const char *timeout, unsigned int seconds) {
    struct sigaction old;
    uid_t *found = NULL;
    int n = 0;
    arm(timeout, seconds, &old);
    int status = p->find_subid_owners(id, type, &found, &n);
    disarm(&old, seconds);
    *count = 0;
    if (status == 0 && found && n > 0) {
        for (int i = 0; i < n && i < capacity; i++) owners[i] = found[i];
        *count = n < capacity ? n : capacity;
    }
    if (found) p->free(found);
    return status;
}
