#include "CLinux.h"

#include <dlfcn.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <shadow.h>
#include <string.h>
#include <linux/btrfs.h>
#include <sys/ioctl.h>
#include <syslog.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

_Static_assert(sizeof(clinux_sigset) >= sizeof(sigset_t), "clinux_sigset too small");

int clinux_block_interrupts(clinux_sigset *old) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    sigaddset(&set, SIGTSTP);
    sigaddset(&set, SIGTTIN);
    sigaddset(&set, SIGTTOU);
    sigaddset(&set, SIGPIPE);
    return sigprocmask(SIG_BLOCK, &set, (sigset_t *)old);
}

int clinux_restore_signals(const clinux_sigset *old) { return sigprocmask(SIG_SETMASK, (const sigset_t *)old, NULL); }

static volatile sig_atomic_t clinux_caught;

static void clinux_note_signal(int sig) { clinux_caught = sig; }

int clinux_catch_interrupts(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = clinux_note_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    int signals[] = { SIGINT, SIGTERM, SIGHUP };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++)
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    return 0;
}

int clinux_interrupted(void) { return clinux_caught; }

int clinux_open(const char *path, int flags, unsigned int mode) { return open(path, flags, (mode_t)mode); }

int clinux_fd_is_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

int clinux_fcntl(int fd, int command, void *argument) { return fcntl(fd, command, argument); }

int clinux_fcntl_int(int fd, int command, int value) { return fcntl(fd, command, value); }

int clinux_openat(int dirfd, const char *path, int flags, unsigned int mode) {
    return openat(dirfd, path, flags, (mode_t)mode);
}

int clinux_process_exists(int pid) {
    if (pid <= 0) return 0;
    if (kill((pid_t)pid, 0) == 0) return 1;
    return errno == EPERM; /* exists, owned by someone else */
}

void clinux_syslog(const char *ident, int priority, const char *message) {
    openlog(ident, LOG_PID, LOG_AUTHPRIV);
    syslog(priority, "%s", message);
    closelog();
}

int clinux_lckpwdf(void) { return lckpwdf(); }
int clinux_ulckpwdf(void) { return ulckpwdf(); }

int clinux_set_keepcaps(int on) { return prctl(PR_SET_KEEPCAPS, (unsigned long)on, 0UL, 0UL, 0UL); }

int clinux_fd_is_on_procfs(int fd) {
    struct statfs st;
    if (fstatfs(fd, &st) != 0) return -1;
    return st.f_type == 0x9fa0 /* PROC_SUPER_MAGIC */;
}

static int clinux_mount_id(int fd, unsigned long long *id) {
    struct statx st;
    if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_MNT_ID, &st) != 0) return -1;
    if (!(st.stx_mask & STATX_MNT_ID)) { errno = ENOSYS; return -1; }
    *id = st.stx_mnt_id;
    return 0;
}

int clinux_open_proc_beneath(int dirfd, const char *name, int flags) {
    int fd = -1;
#ifdef SYS_openat2
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC | O_NOFOLLOW);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof how);
    if (fd < 0 && errno != ENOSYS) return -1;
#endif
    /* Why the fallback: kernels before 5.6 have no openat2; the checks below still hold there. */
    if (fd < 0) {
        if (strchr(name, '/') != NULL) { errno = EXDEV; return -1; }
        fd = openat(dirfd, name, flags | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0) return -1;
    }
    /* Why both checks after the open: they hold whichever way the file was opened, so a mount
       that slipped past resolution (or a kernel without openat2) is still caught. */
    unsigned long long dir_mount = 0, file_mount = 1;
    struct statfs st;
    if (fstatfs(fd, &st) != 0 || st.f_type != 0x9fa0 /* PROC_SUPER_MAGIC */
        || clinux_mount_id(dirfd, &dir_mount) != 0 || clinux_mount_id(fd, &file_mount) != 0
        || dir_mount != file_mount) {
        close(fd);
        errno = EXDEV;
        return -1;
    }
    return fd;
}

int clinux_pidfd_send_signal(int pidfd, int sig) {
#ifdef SYS_pidfd_send_signal
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}

long clinux_lgetxattr(const char *path, const char *name, void *value, unsigned long size) {
    return (long)lgetxattr(path, name, value, size);
}
int clinux_lsetxattr(const char *path, const char *name, const void *value, unsigned long size) {
    return lsetxattr(path, name, value, size, 0);
}
long clinux_llistxattr(const char *path, char *list, unsigned long size) { return (long)llistxattr(path, list, size); }

int clinux_status_at(int dirfd, const char *name, clinux_file_status *out) {
    struct statx st;
    int flags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | (name[0] == 0 ? AT_EMPTY_PATH : 0);
    if (statx(dirfd, name, flags, STATX_BASIC_STATS | STATX_MNT_ID, &st) != 0) return -1;
    if (!(st.stx_mask & STATX_MNT_ID)) { errno = ENOSYS; return -1; }
    out->mode = st.stx_mode;
    out->uid = st.stx_uid;
    out->gid = st.stx_gid;
    out->nlink = st.stx_nlink;
    out->inode = st.stx_ino;
    out->device = makedev(st.stx_dev_major, st.stx_dev_minor);
    out->mount_id = st.stx_mnt_id;
    return 0;
}

int clinux_netlink_route_open(void) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return -1;
    struct sockaddr_nl local = { .nl_family = AF_NETLINK };
    if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0) { int e = errno; close(fd); errno = e; return -1; }
    int on = 1;
    (void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
    (void)setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &on, sizeof on);
    return fd;
}

unsigned long clinux_fs_magic(int fd) {
    struct statfs st;
    if (fstatfs(fd, &st) != 0) return 0;
    return (unsigned long)st.f_type;
}

int clinux_path_fs(const char *path, unsigned long *magic) {
    struct statfs st;
    if (statfs(path, &st) != 0) return -1;
    *magic = (unsigned long)st.f_type;
    return 0;
}

int clinux_btrfs_fsid(const char *path, unsigned char fsid[16]) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct btrfs_ioctl_fs_info_args info;
    memset(&info, 0, sizeof info);
    int rc = ioctl(fd, BTRFS_IOC_FS_INFO, &info);
    int e = errno;
    close(fd);
    if (rc != 0) { errno = e; return -1; }
    memcpy(fsid, info.fsid, 16);
    return 0;
}

int clinux_setns_net(int fd) { return setns(fd, CLONE_NEWNET); }

int clinux_own_object_path(char *buffer, unsigned long size) {
    return clinux_object_path((const void *)&clinux_own_object_path, buffer, size);
}

int clinux_object_path(const void *address, char *buffer, unsigned long size) {
    Dl_info info;
    if (dladdr(address, &info) == 0 || info.dli_fname == NULL || strlen(info.dli_fname) >= size) return -1;
    strcpy(buffer, info.dli_fname);
    return 0;
}
