#ifndef CLINUX_H
#define CLINUX_H

/* Must be defined here, not only in cSettings: the Swift importer reads this header and needs
   the GNU-only declarations (unshare, setresuid, ...) to be visible. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

/* Only headers whose declarations do not clash with Swift's Glibc module: a header that drags in
   <sys/types.h> (and so <sys/select.h>) defines fd_set with another member name under
   _GNU_SOURCE, and the importer then refuses both modules. Plain C types in the prototypes. */
#include <sched.h>
#include <stdint.h>
#include <unistd.h>

/* argv as the kernel passed it, captured by a constructor. Swift's CommandLine reads
   /proc/self/maps and is empty where /proc is not mounted. */
int clinux_argc(void);
char *const *clinux_argv(void);

/* Nonzero in setuid/setgid/file-capability processes (AT_SECURE). */
unsigned long clinux_at_secure(void);

/* Blocks the signals a person or a tty can send (INT, TERM, HUP, QUIT, TSTP, TTIN, TTOU, PIPE)
   so a critical section (a held /etc/subuid.lock) cannot be cut short. The old mask is kept in
   an opaque buffer of clinux_sigset_size() bytes. */
typedef struct { unsigned long bits[16]; } clinux_sigset;
int clinux_block_interrupts(clinux_sigset *old);
int clinux_restore_signals(const clinux_sigset *old);

/* open(2) is variadic and cannot be called from Swift with a mode. */
int clinux_open(const char *path, int flags, unsigned int mode);
int clinux_openat(int dirfd, const char *path, int flags, unsigned int mode);

/* kill(pid, 0): 1 when the process exists (even if owned by someone else). */
int clinux_process_exists(int pid);

/* syslog(3) is variadic: one preformatted message. */
void clinux_syslog(int priority, const char *message);

/* lckpwdf/ulckpwdf (<shadow.h> is not in Swift's Glibc module). */
int clinux_lckpwdf(void);
int clinux_ulckpwdf(void);

/* prctl(2) is variadic. */
int clinux_set_keepcaps(int on);

/* 1 when fd lives on procfs (statfs f_type == PROC_SUPER_MAGIC), 0 when not, -1 on error. */
int clinux_fd_is_on_procfs(int fd);

/* pidfd_send_signal(2), which glibc 2.36 does not wrap; sig 0 probes that the process lives. */
int clinux_pidfd_send_signal(int pidfd, int sig);

static inline int clinux_s_isreg(unsigned int m) { return (m & 0170000) == 0100000; }
static inline int clinux_s_isdir(unsigned int m) { return (m & 0170000) == 0040000; }

#endif
