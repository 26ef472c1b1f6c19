#ifndef CLINUX_H
#define CLINUX_H

/* Must be defined here, not only in cSettings: the Swift importer reads this header and needs
   the GNU-only declarations (unshare, setresuid, pipe2, ...) to be visible. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <shadow.h>
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* argv as the kernel passed it, captured by a constructor. Swift's CommandLine reads
   /proc/self/maps and is empty where /proc is not mounted. */
int clinux_argc(void);
char *const *clinux_argv(void);

/* Nonzero in setuid/setgid/file-capability processes (AT_SECURE). */
unsigned long clinux_at_secure(void);

/* Blocks the signals a person or a tty can send (INT, TERM, HUP, QUIT, TSTP, TTIN, TTOU, PIPE)
   so a critical section (a held /etc/subuid.lock) cannot be cut short; returns the old mask
   through *old. */
int clinux_block_interrupts(sigset_t *old);
int clinux_restore_signals(const sigset_t *old);

/* open(2) is variadic and cannot be called from Swift with a mode. */
int clinux_open(const char *path, int flags, mode_t mode);
int clinux_openat(int dirfd, const char *path, int flags, mode_t mode);

/* Kills (signal 0) without Swift having to know pid_t's width. */
int clinux_process_exists(int pid);

static inline int clinux_s_isreg(mode_t m) { return S_ISREG(m); }
static inline int clinux_s_isdir(mode_t m) { return S_ISDIR(m); }
static inline int clinux_s_islnk(mode_t m) { return S_ISLNK(m); }

#endif
