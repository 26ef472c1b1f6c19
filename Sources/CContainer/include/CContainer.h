#ifndef CCONTAINER_H
#define CCONTAINER_H
/* The part of starting and entering a container that must be C: everything between clone() and
   execve() in the child (Swift cannot run in a forked child of a Swift process), and setns().
   Swift prepares every value first; nothing here allocates or looks anything up by name. */
#include <stdint.h>

typedef struct {
    const char *source;   /* host path, or a filesystem name */
    const char *target;   /* absolute path inside the rootfs (host view) */
    const char *type;     /* NULL for bind mounts */
    unsigned long flags;
    const char *data;
    int create;           /* 0 nothing, 1 directory, 2 file */
    int optional;         /* a failure is ignored */
    int remount_flags;    /* non-zero: bind remount with these flags afterwards (ro bind) */
} ccontainer_mount;

typedef struct {
    char name[16];        /* the name lxc-user-nic gave it inside the container */
    uint32_t address;     /* IPv4, host order; 0 none */
    int prefix;
    uint32_t gateway;     /* 0 none */
    int up;
    int has_hwaddr;
    unsigned char hwaddr[6];
    uint32_t mtu;         /* 0 keep */
} ccontainer_nic;

/* Where an in-container hook runs (LXC's order): pre-mount in the container's mount namespace
   before the rootfs is mounted; mount after every mount entry; autodev on the empty /dev tmpfs
   before it is filled; start after the pivot, capabilities and seccomp, just before init. */
enum { CCONTAINER_HOOK_PRE_MOUNT = 1, CCONTAINER_HOOK_MOUNT, CCONTAINER_HOOK_AUTODEV, CCONTAINER_HOOK_START };

typedef struct {
    int point;                     /* CCONTAINER_HOOK_* */
    const char *command;           /* run as /bin/sh -c COMMAND */
    char *const *argv;             /* the same words when the shell would only split them: exec'd
                                      directly (COMMAND through the shell if that fails); or NULL */
    char *const *envp;             /* its whole environment */
} ccontainer_hook;

typedef struct {
    const char *rootfs;            /* host path of the container's root */
    const char *overlay_options;   /* non-NULL: an overlay with these options is mounted on rootfs
                                      (lxc.rootfs.path = overlay:...) instead of binding it */
    const char *hostname;          /* NULL keeps the parent's */
    int console_fd;                /* pty slave, opened by the monitor (the container's root could
                                      not open it: it belongs to the user); -1: /dev/null */
    const char *console_path;      /* its path (/dev/pts/N), bound onto the container's /dev/console */
    char *const *argv;             /* init */
    char *const *envp;
    int mount_proc;                /* 1 rw, 2 mixed (rw proc; LXC's :mixed also protects /proc/sys) */
    int mount_sys;                 /* 0 none, 1 ro, 2 rw */
    const ccontainer_mount *mounts;
    int mount_count;
    uint64_t cap_drop;             /* bounding-set bits to drop */
    const void *seccomp_filter;    /* struct sock_filter[], NULL for none */
    unsigned short seccomp_length;
    const ccontainer_hook *hooks;  /* in order; a non-zero exit aborts the start */
    int hook_count;
    int nics_first;                /* take (and configure) the nics before any mount, as LXC does,
                                      so host-side net up scripts run before the mount hooks */
    int tty_max;                   /* lxc.tty.max: ttys made in the container's own devpts, bound
                                      on /dev/tty1..N, their masters sent on tty_socket */
    int tty_socket;                /* the child's end of a socketpair; -1 when tty_max is 0 */
    int start_host;                /* once set up, report stage 0 and wait for one more int 1 on
                                      go_fd (the parent runs its start-host hooks meanwhile) */
    const char *lsm_exec_file;     /* the LSM's exec attribute under /proc/self/attr, NULL for none */
    const char *lsm_exec_label;    /* written there before seccomp: init execs in that label */
} ccontainer_spec;

/* switched_fd: one byte arrives once the child is root inside and dumpable again (until then
   its owner, and so lxc-user-nic, cannot open its /proc/PID/ns files). */
typedef struct { int pid; int go_fd; int error_fd; int switched_fd; } ccontainer_child;

enum {
    CCONTAINER_STAGE_SYNC = 1, CCONTAINER_STAGE_IDS, CCONTAINER_STAGE_HOSTNAME, CCONTAINER_STAGE_ROOT_MOUNT,
    CCONTAINER_STAGE_PROC, CCONTAINER_STAGE_SYS, CCONTAINER_STAGE_DEV, CCONTAINER_STAGE_MOUNT_ENTRY,
    CCONTAINER_STAGE_NETWORK, CCONTAINER_STAGE_PIVOT, CCONTAINER_STAGE_CAPS, CCONTAINER_STAGE_SECCOMP,
    CCONTAINER_STAGE_HOOK, CCONTAINER_STAGE_CONSOLE, CCONTAINER_STAGE_EXEC, CCONTAINER_STAGE_LSM,
    CCONTAINER_STAGE_CGROUP, CCONTAINER_STAGE_TTY,
};

/* clone() with new user, mount, pid, uts, ipc and net namespaces. The child waits on
   `go_fd` for one int (1 = the maps are written and it is in its cgroups, go on; else abort),
   becomes root, unshares its cgroup namespace, mounts (running its hooks) and pivots; it reads
   one int n and n ccontainer_nic records (sent when lxc-user-nic is done) after the pivot, or
   before the first mount with `nics_first`, and configures them. Failures after clone are
   written to `error_fd` as (stage, errno, index) ints (for CCONTAINER_STAGE_HOOK: the hook's
   index and its exit status, 128 + signal, in place of errno); error_fd is CLOEXEC, so EOF
   means the exec happened. With `start_host`, a (0, 0, 0) record first says "set up, waiting". */
int ccontainer_clone(const ccontainer_spec *spec, ccontainer_child *child);

#include "join.h"

/* A pty for the console: returns the master (CLOEXEC) and stores the slave fd (not CLOEXEC: the
   container inherits it), or -1. */
int ccontainer_open_console(int *slave_fd, char *path, unsigned long path_size);

/* Starts the monitor: argv[0] as a new session leader, stdin /dev/null, stdout and stderr on
   log_fd, ready_fd as fd 3. Returns the pid or -1. */
int ccontainer_spawn_monitor(char *const *argv, char *const *envp, int ready_fd, int log_fd);

/* Forks the monitor from a single-threaded caller, which then goes on in the child: returns 0 in
   the child (a new session leader named "userbox-monitor", signals unblocked, stdin /dev/null,
   stdout and stderr on log_fd, parent_fd closed), the child's pid in the parent, -1 on error. */
int ccontainer_fork_monitor(int parent_fd, int log_fd);

/* An anonymous close-on-exec file (memfd_create); -1 with errno. */
int ccontainer_memfd(const char *name);

/* Receives up to `max` fds sent with SCM_RIGHTS in one message (CLOEXEC); returns how many, or -1. */
int ccontainer_recv_fds(int socket, int *fds, int max);

/* Raw mode on a terminal (cfmakeraw), the old settings kept in *saved (a struct termios, opaque
   here, of at least ccontainer_termios_size() bytes); restore puts them back. -1 with errno. */
unsigned long ccontainer_termios_size(void);
int ccontainer_raw_terminal(int fd, void *saved);
int ccontainer_restore_terminal(int fd, const void *saved);

/* TIOCGWINSZ / TIOCSWINSZ as rows and columns; -1 with errno. */
int ccontainer_get_winsize(int fd, unsigned short *rows, unsigned short *cols);
int ccontainer_set_winsize(int fd, unsigned short rows, unsigned short cols);

/* The monitor's console socket: SOCK_SEQPACKET, bound at DIR/NAME (reached through /proc/self/fd,
   so a long DIR still fits sun_path), mode 0600, listening, CLOEXEC and non-blocking; a stale
   socket file is replaced. -1 with errno. */
int ccontainer_listen_unix(const char *dir, const char *name);
/* A client's connection to it (CLOEXEC); -1 with errno. */
int ccontainer_connect_unix(const char *dir, const char *name);
/* accept4(2) with CLOEXEC; -1 with errno. */
int ccontainer_accept(int listener);
/* The connected peer's uid (SO_PEERCRED), or -1. */
long ccontainer_peer_uid(int fd);

/* SIGWINCH noted (without SA_RESTART, so a poll returns EINTR); pending returns and clears it. */
void ccontainer_watch_winch(void);
int ccontainer_winch_pending(void);

/* The process environment (environ), for hooks that inherit it as LXC's do. */
char **ccontainer_environ(void);

/* pidfd_open(2); -1 with errno. */
int ccontainer_pidfd_open(int pid);

/* Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), 0 if gone or a zombie. */
unsigned long long ccontainer_start_time(int pid);

#endif
