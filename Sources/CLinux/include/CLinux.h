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

/* Blocks the signals a person or a tty can send (INT, TERM, HUP, QUIT, TSTP, TTIN, TTOU, PIPE)
   so a critical section (a held /etc/subuid.lock) cannot be cut short. The old mask is kept in
   an opaque buffer of clinux_sigset_size() bytes. */
typedef struct { unsigned long bits[16]; } clinux_sigset;
int clinux_block_interrupts(clinux_sigset *old);
int clinux_restore_signals(const clinux_sigset *old);

/* For a long job that must not leave half its work behind (a download, an unpack): SIGINT,
   SIGTERM and SIGHUP set a flag instead of ending the process (SA_RESTART), so the job stops
   where it can clean up. clinux_interrupted() is the signal caught since, or 0. Exec resets the
   handlers: children die of the signal as usual. */
int clinux_catch_interrupts(void);
int clinux_interrupted(void);

/* For a privileged helper that updates shared state on a caller's behalf (lxc-user-nic): the
   limits a caller can lower to make a privileged write fail half-way (RLIMIT_FSIZE, _AS, _DATA,
   _CPU) raised to unlimited and RLIMIT_NOFILE to at least 1024; SIGXFSZ, SIGTSTP, SIGTTIN and
   SIGTTOU ignored (a full write then fails with EFBIG instead of killing, and a terminal cannot
   stop the helper while it holds a lock). Children spawned with clinux_spawn* get the default
   dispositions back. Returns 0, or -1 when RLIMIT_FSIZE could not be raised. */
int clinux_harden_against_caller(void);

/* open(2) is variadic and cannot be called from Swift with a mode. */
int clinux_open(const char *path, int flags, unsigned int mode);
int clinux_openat(int dirfd, const char *path, int flags, unsigned int mode);
/* fcntl(fd, F_GETFD) succeeds: fd is open (fcntl is variadic, unavailable to Embedded Swift). */
int clinux_fd_is_open(int fd);
/* fcntl(2) with a pointer argument (or none), for the Embedded Swift build's Glibc stand-in. */
int clinux_fcntl(int fd, int command, void *argument);
/* fcntl(2) with an int argument (F_SETFD, F_SETFL, ...). */
int clinux_fcntl_int(int fd, int command, int value);

/* kill(pid, 0): 1 when the process exists (even if owned by someone else). */
int clinux_process_exists(int pid);

/* syslog(3) is variadic: one preformatted message, under a fixed ident (never argv[0], which
   the caller of a setuid program chooses). */
void clinux_syslog(const char *ident, int priority, const char *message);

/* lckpwdf/ulckpwdf (<shadow.h> is not in Swift's Glibc module). */
int clinux_lckpwdf(void);
int clinux_ulckpwdf(void);

/* prctl(2) is variadic. */
int clinux_set_keepcaps(int on);

/* 1 when fd lives on procfs (statfs f_type == PROC_SUPER_MAGIC), 0 when not, -1 on error. */
int clinux_fd_is_on_procfs(int fd);

/* Opens `name` (one component) below the procfs directory `dirfd` for a privileged write:
   openat2 with RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
   (plain openat with O_NOFOLLOW where the kernel has no openat2), then the opened file must be
   on procfs and on the same mount as `dirfd`. A bind mount or a link over the file fails with
   EXDEV or ELOOP; a non-procfs file with EXDEV. O_CLOEXEC is always added. Returns fd or -1. */
int clinux_open_proc_beneath(int dirfd, const char *name, int flags);

/* pidfd_send_signal(2), which glibc 2.36 does not wrap; sig 0 probes that the process lives. */
int clinux_pidfd_send_signal(int pidfd, int sig);

/* usernsexec: fork a child that unshares user and mount namespaces, reports on `ready`
   (an int: 0 or errno), waits for one byte on `go`, then drops supplementary groups, switches to
   uid/gid (ids inside the namespace), makes / a slave mount, and execvp()s argv. A failure after
   `go` is reported on `error` as two ints (stage, errno); `error` is CLOEXEC, so EOF there means
   the exec happened. Everything between fork and exec is C. Returns the pid or -1. */
typedef struct { int pid; int ready_fd; int go_fd; int error_fd; } clinux_userns_child;
enum { CLINUX_STAGE_SETGROUPS = 1, CLINUX_STAGE_SETGID = 2, CLINUX_STAGE_SETUID = 3,
       CLINUX_STAGE_UNSHARE_MOUNT = 4, CLINUX_STAGE_EXEC = 5 };
int clinux_userns_fork(char *const argv[], unsigned int uid, unsigned int gid, clinux_userns_child *child);

/* posix_spawn of argv[0] (an absolute path) with the given environment; returns pid or -1. */
int clinux_spawn(char *const argv[], char *const envp[]);

/* posix_spawn of argv[0] with stdin from /dev/null and stdout and stderr into a pipe whose read
   end (close-on-exec) is stored in *output_fd; returns pid or -1. */
int clinux_spawn_captured(char *const argv[], char *const envp[], int *output_fd);

/* posix_spawn of argv[0] with stdin, stdout and stderr on the given descriptors (each -1:
   /dev/null), for pipelines between two programs; returns pid or -1. The descriptors should be
   O_CLOEXEC in the caller (dup2 clears the flag on the child's copies). */
int clinux_spawn_redirected(char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd);

/* waitpid, retrying EINTR; returns the raw status or -1. */
int clinux_wait(int pid);
static inline int clinux_wifexited(int s) { return (s & 0x7f) == 0; }
static inline int clinux_wexitstatus(int s) { return (s >> 8) & 0xff; }
static inline int clinux_wifsignaled(int s) { return (s & 0x7f) != 0 && (s & 0x7f) != 0x7f; }
static inline int clinux_wtermsig(int s) { return s & 0x7f; }

/* Ignore or restore SIGINT and SIGQUIT in a parent that waits for a child on the terminal. */
void clinux_ignore_terminal_signals(int ignore);

/* Extended attributes of a path itself (symlinks not followed). */
long clinux_lgetxattr(const char *path, const char *name, void *value, unsigned long size);
long clinux_llistxattr(const char *path, char *list, unsigned long size);
int clinux_lsetxattr(const char *path, const char *name, const void *value, unsigned long size);

/* statx(2) of `name` under `dirfd` (AT_SYMLINK_NOFOLLOW; "" with AT_EMPTY_PATH for dirfd
   itself), with the mount id: bind mounts of the same filesystem share st_dev, not mount ids. */
typedef struct {
    unsigned int mode, uid, gid, nlink;
    unsigned long long inode, device, mount_id;
} clinux_file_status;
int clinux_status_at(int dirfd, const char *name, clinux_file_status *out);

/* An rtnetlink socket: SOCK_CLOEXEC, bound with nl_pid 0 (the kernel picks it), extended ACKs
   and strict checking on. Returns the fd or -1. */
int clinux_netlink_route_open(void);

/* fstatfs(fd).f_type, or 0 on error (NSFS_MAGIC 0x6e736673 for namespace files). */
unsigned long clinux_fs_magic(int fd);

/* statfs(path): the filesystem's magic; -1 with errno on error. */
int clinux_path_fs(const char *path, unsigned long *magic);

/* The btrfs filesystem's UUID of a directory on it (BTRFS_IOC_FS_INFO; the same for every
   subvolume, unlike statfs's f_fsid); -1 with errno on error. */
int clinux_btrfs_fsid(const char *path, unsigned char fsid[16]);

/* A shadow `subid:` plugin (libsubid_NAME.so): opened from `path` (the caller checked it), its
   four functions resolved. Returns NULL and sets *out, or an error text. */
typedef struct clinux_subid_plugin clinux_subid_plugin;
/* The multiarch directory name of this build's target ("x86_64-linux-gnu"). */
const char *clinux_multiarch_triplet(void);
const char *clinux_subid_plugin_open(const char *path, clinux_subid_plugin **out);
/* shadow_subid_has_range; *result 1 or 0; the plugin's status (0 SUCCESS, 1 UNKNOWN_USER,
   2 ERROR_CONN, 3 ERROR). No answer within `seconds` (0: no timer): `timeout` on stderr and exit
   status 1. */
int clinux_subid_plugin_has_range(clinux_subid_plugin *p, const char *owner, unsigned long start, unsigned long count,
                                  int type, int *result, const char *timeout, unsigned int seconds);
/* shadow_subid_list_owner_ranges into the caller's arrays (at most `capacity`), the plugin's
   array freed with its shadow_subid_free; same status and timeout as above. */
int clinux_subid_plugin_list_ranges(clinux_subid_plugin *p, const char *owner, int type, unsigned long *starts,
                                    unsigned long *counts, int capacity, int *count, const char *timeout, unsigned int seconds);
/* shadow_subid_find_subid_owners into the caller's array (at most `capacity`); as above. */
int clinux_subid_plugin_find_owners(clinux_subid_plugin *p, unsigned long id, int type, uid_t *owners, int capacity,
                                    int *count, const char *timeout, unsigned int seconds);

/* setns(2) for a network namespace fd. */
int clinux_setns_net(int fd);

static inline int clinux_s_isreg(unsigned int m) { return (m & 0170000) == 0100000; }
static inline int clinux_s_isdir(unsigned int m) { return (m & 0170000) == 0040000; }

/* The file of the loaded object (program or shared library) that holds `address` (dladdr), into
   buffer; 0, or -1 when there is none or it does not fit. */
int clinux_object_path(const void *address, char *buffer, unsigned long size);

/* The file of the object CLinux is linked into: a program, or a library such as libuserbox. */
int clinux_own_object_path(char *buffer, unsigned long size);

#endif
