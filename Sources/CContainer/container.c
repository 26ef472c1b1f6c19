#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "CContainer.h"

extern char **environ;

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void fail(int fd, int stage, int index) {
    int msg[3] = { stage, errno, index };
    ssize_t n = write(fd, msg, sizeof msg);
    (void)n;
    _exit(1);
}

static int read_all(int fd, void *buf, size_t len) {
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n; len -= (size_t)n;
    }
    return 0;
}

static int join(char *out, size_t size, const char *a, const char *b) {
    int n = snprintf(out, size, "%s%s", a, b);
    return (n < 0 || (size_t)n >= size) ? -1 : 0;
}

/* mkdir -p of the directories above `path` (and of path itself when `self`). */
static int make_parents(const char *path, int self) {
    char buf[4096];
    size_t len = strlen(path);
    if (len >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (self && mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
    return 0;
}

static int make_target(const char *path, int kind) {
    if (kind == 1) return make_parents(path, 1);
    if (kind == 2) {
        if (make_parents(path, 0) != 0) return -1;
        int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0000);
        if (fd < 0) return errno == EEXIST ? 0 : -1;
        close(fd);
    }
    return 0;
}

/* /dev is a tmpfs (mknod is not allowed in a user namespace): mounted early, as LXC's autodev,
   so mount entries and the autodev hooks see it empty; filled just before the pivot. */
static int mount_dev(const char *rootfs) {
    char dev[4096];
    if (join(dev, sizeof dev, rootfs, "/dev") < 0) { errno = ENAMETOOLONG; return -1; }
    mkdir(dev, 0755);
    return mount("none", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=500000");
}

/* The usual nodes bind-mounted from the host, a private devpts, shm, console and the fd symlinks. */
static int fill_dev(const char *rootfs, const char *console_path) {
    char dev[4096], path[4096];
    if (join(dev, sizeof dev, rootfs, "/dev") < 0) { errno = ENAMETOOLONG; return -1; }
    static const char *nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
    for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
        char host[64];
        snprintf(host, sizeof host, "/dev/%s", nodes[i]);
        snprintf(path, sizeof path, "%s/%s", dev, nodes[i]);
        if (make_target(path, 2) != 0) return -1;
        if (mount(host, path, NULL, MS_BIND, NULL) != 0) return -1;
    }
    snprintf(path, sizeof path, "%s/pts", dev);
    mkdir(path, 0755);
    if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620,gid=5") != 0 &&
        mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") != 0) return -1;
    snprintf(path, sizeof path, "%s/ptmx", dev);
    if (symlink("pts/ptmx", path) != 0 && errno != EEXIST) return -1;
    snprintf(path, sizeof path, "%s/shm", dev);
    mkdir(path, 01777);
    if (mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=65536k") != 0) return -1;
    static const char *links[][2] = { { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
                                      { "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" } };
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dev, links[i][1]);
        /* An autodev hook may have made it already: its choice stands. */
        if (symlink(links[i][0], path) != 0 && errno != EEXIST) return -1;
    }
    /* By path: a mount reached through /proc/self/fd would belong to the parent's namespace. */
    if (console_path) {
        snprintf(path, sizeof path, "%s/console", dev);
        if (make_target(path, 2) != 0 || mount(console_path, path, NULL, MS_BIND, NULL) != 0) return -1;
    }
    return 0;
}

/* lxc.tty.max ttys from the container's own devpts (so their slaves belong to the container's
   root, as LXC makes them), each slave bound on /dev/ttyN; the masters go to the monitor. */
static int setup_ttys(const char *rootfs, int count, int sock) {
    char ptmx[4096], slave[4096], target[4096];
    int masters[64];
    if (count > 64) { errno = EINVAL; return -1; }
    if (join(ptmx, sizeof ptmx, rootfs, "/dev/pts/ptmx") < 0) { errno = ENAMETOOLONG; return -1; }
    for (int i = 0; i < count; i++) {
        int m = open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC);
        int unlock = 0, n = -1;
        if (m < 0) return -1;
        masters[i] = m;
        if (ioctl(m, TIOCSPTLCK, &unlock) != 0 || ioctl(m, TIOCGPTN, &n) != 0) return -1;
        snprintf(slave, sizeof slave, "%s/dev/pts/%d", rootfs, n);
        snprintf(target, sizeof target, "%s/dev/tty%d", rootfs, i + 1);
        if (make_target(target, 2) != 0 || mount(slave, target, NULL, MS_BIND, NULL) != 0) return -1;
    }
    char byte = 't';
    struct iovec iov = { &byte, 1 };
    union { char buf[CMSG_SPACE(sizeof(int) * 64)]; struct cmsghdr align; } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg = { 0 };
    msg.msg_iov = &iov; msg.msg_iovlen = 1;
    msg.msg_control = control.buf; msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count);
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET; cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
    memcpy(CMSG_DATA(cmsg), masters, sizeof(int) * (size_t)count);
    if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1) return -1;
    for (int i = 0; i < count; i++) close(masters[i]);
    return 0;
}

static uint32_t netmask(int prefix) { return prefix <= 0 ? 0 : (uint32_t)(0xffffffffu << (32 - prefix)); }

static int set_address(int sock, const char *name, unsigned long request, uint32_t address) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(address);
    return ioctl(sock, request, &ifr);
}

static int bring_up(int sock, const char *name) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(sock, SIOCGIFFLAGS, &ifr) != 0) return -1;
    ifr.ifr_flags |= IFF_UP;
    return ioctl(sock, SIOCSIFFLAGS, &ifr);
}

static int setup_network(const ccontainer_nic *nics, int count) {
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) return -1;
    int any_up = 0;
    for (int i = 0; i < count; i++) {
        const ccontainer_nic *n = &nics[i];
        struct ifreq ifr;
        if (n->has_hwaddr) {
            memset(&ifr, 0, sizeof ifr);
            strncpy(ifr.ifr_name, n->name, IFNAMSIZ - 1);
            ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
            memcpy(ifr.ifr_hwaddr.sa_data, n->hwaddr, 6);
            if (ioctl(sock, SIOCSIFHWADDR, &ifr) != 0) { errno = errno ? errno : EINVAL; close(sock); return -(i + 1); }
        }
        if (n->mtu) {
            memset(&ifr, 0, sizeof ifr);
            strncpy(ifr.ifr_name, n->name, IFNAMSIZ - 1);
            ifr.ifr_mtu = (int)n->mtu;
            if (ioctl(sock, SIOCSIFMTU, &ifr) != 0) { close(sock); return -(i + 1); }
        }
        if (n->address) {
            if (set_address(sock, n->name, SIOCSIFADDR, n->address) != 0 ||
                set_address(sock, n->name, SIOCSIFNETMASK, netmask(n->prefix)) != 0) { close(sock); return -(i + 1); }
        }
        if (n->up) {
            any_up = 1;
            if (bring_up(sock, n->name) != 0) { close(sock); return -(i + 1); }
        }
        if (n->gateway) {
            struct rtentry route;
            memset(&route, 0, sizeof route);
            struct sockaddr_in *gw = (struct sockaddr_in *)&route.rt_gateway;
            gw->sin_family = AF_INET; gw->sin_addr.s_addr = htonl(n->gateway);
            ((struct sockaddr_in *)&route.rt_dst)->sin_family = AF_INET;
            ((struct sockaddr_in *)&route.rt_genmask)->sin_family = AF_INET;
            route.rt_flags = RTF_UP | RTF_GATEWAY;
            route.rt_dev = (char *)n->name;
            if (ioctl(sock, SIOCADDRT, &route) != 0) { close(sock); return -(i + 1); }
        }
    }
    /* As LXC: a nic brought up brings lo up too. */
    if (any_up && bring_up(sock, "lo") != 0) { close(sock); return -(count + 1); }
    close(sock);
    return 0;
}

/* The hooks of one point, in order: /bin/sh -c COMMAND with the hook's own environment. Its
   output goes where ours does (the monitor's log). Returns -1 with the failed hook's index in
   *failed and its exit status (128 + signal) in errno. */
static int run_hooks(const ccontainer_spec *spec, int point, int *failed) {
    for (int i = 0; i < spec->hook_count; i++) {
        const ccontainer_hook *h = &spec->hooks[i];
        if (h->point != point) continue;
        /* posix_spawn (a vfork) rather than fork: this process is a copy of the monitor, and
           copying its page tables for each hook was most of a hook's cost. SIGPIPE is ignored
           here until exec; the child gets the default back. */
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        posix_spawnattr_setsigdefault(&attr, &pipe_only);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
        pid_t pid = -1;
        int rc = h->argv ? posix_spawn(&pid, h->argv[0], NULL, &attr, h->argv, h->envp) : -1;
        if (rc != 0) {
            char *argv[] = { "sh", "-c", (char *)h->command, NULL };
            rc = posix_spawn(&pid, "/bin/sh", NULL, &attr, argv, h->envp);
        }
        posix_spawnattr_destroy(&attr);
        if (rc != 0) { *failed = i; errno = 127; return -1; }
        int status;
        while (waitpid(pid, &status, 0) < 0) if (errno != EINTR) { *failed = i; errno = 127; return -1; }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            *failed = i;
            errno = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return -1;
        }
    }
    return 0;
}

static void hooks_or_fail(const ccontainer_spec *spec, int point, int err) {
    int failed = 0;
    if (run_hooks(spec, point, &failed) != 0) fail(err, CCONTAINER_STAGE_HOOK, failed);
}

/* The nics from the parent (one int n, n records), configured at once. */
static void take_nics(int go, int err) {
    int count = 0;
    if (read_all(go, &count, sizeof count) != 0 || count < 0 || count > 64) fail(err, CCONTAINER_STAGE_SYNC, 0);
    ccontainer_nic nics[64];
    if (count > 0 && read_all(go, nics, sizeof(ccontainer_nic) * (size_t)count) != 0) fail(err, CCONTAINER_STAGE_SYNC, 0);
    int net = setup_network(nics, count);
    if (net != 0) fail(err, CCONTAINER_STAGE_NETWORK, -net - 1);
}

static void child_main(const ccontainer_spec *spec, int go, int err, int switched) {
    signal(SIGPIPE, SIG_IGN);  /* restored before exec */
    int word;
    if (read_all(go, &word, sizeof word) != 0 || word != 1) _exit(1);

    /* Root inside (the maps are written). setgroups may be denied when only self-maps exist. */
    if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0) fail(err, CCONTAINER_STAGE_IDS, 0);
    if (setgroups(0, NULL) != 0 && errno != EPERM) fail(err, CCONTAINER_STAGE_IDS, 1);
    /* Our own cgroup namespace only now: the monitor has moved us into the container's cgroups,
       so the container sees its cgroup as its root (cloned with the flag, it would see the
       monitor's cgroup as its root and its own one level below). */
    if (unshare(CLONE_NEWCGROUP) != 0) fail(err, CCONTAINER_STAGE_CGROUP, 0);
    /* The uid change cleared the parent-death signal: armed again, so the container still dies
       with its monitor (a monitor gone before this line is seen at the next read of `go`). */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    /* The uid change made us non-dumpable, which would hide /proc/PID/ns/net from our owner and
       so from lxc-user-nic, still at work; LXC's child does the same. */
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    char one = 1;
    ssize_t told = write(switched, &one, 1);  /* the parent may not listen: nothing to do then */
    (void)told;
    close(switched);
    if (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) != 0) fail(err, CCONTAINER_STAGE_HOSTNAME, 0);
    if (spec->nics_first) take_nics(go, err);

    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0) fail(err, CCONTAINER_STAGE_ROOT_MOUNT, 0);
    hooks_or_fail(spec, CCONTAINER_HOOK_PRE_MOUNT, err);
    if (spec->overlay_options) {
        /* Mounted here, by the container's root in its own user and mount namespaces, as LXC does. */
        if (mount("overlay", spec->rootfs, "overlay", 0, spec->overlay_options) != 0) fail(err, CCONTAINER_STAGE_ROOT_MOUNT, 2);
    } else if (mount(spec->rootfs, spec->rootfs, NULL, MS_BIND | MS_REC, NULL) != 0) {
        fail(err, CCONTAINER_STAGE_ROOT_MOUNT, 1);
    }
    if (mount_dev(spec->rootfs) != 0) fail(err, CCONTAINER_STAGE_DEV, 0);
    char path[4096];
    if (spec->mount_proc) {
        if (join(path, sizeof path, spec->rootfs, "/proc") < 0) fail(err, CCONTAINER_STAGE_PROC, 0);
        mkdir(path, 0555);
        if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) fail(err, CCONTAINER_STAGE_PROC, 1);
    }
    if (spec->mount_sys) {
        if (join(path, sizeof path, spec->rootfs, "/sys") < 0) fail(err, CCONTAINER_STAGE_SYS, 0);
        mkdir(path, 0555);
        unsigned long ro = spec->mount_sys == 1 ? MS_RDONLY : 0;
        if (mount("sysfs", path, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | ro, NULL) != 0) {
            /* Without a sysfs of our own, the host's read-only (it names host devices only). */
            if (mount("/sys", path, NULL, MS_BIND | MS_REC, NULL) != 0) fail(err, CCONTAINER_STAGE_SYS, 1);
            mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        }
    }
    for (int i = 0; i < spec->mount_count; i++) {
        const ccontainer_mount *m = &spec->mounts[i];
        if (make_target(m->target, m->create) != 0 && !m->optional) fail(err, CCONTAINER_STAGE_MOUNT_ENTRY, i);
        if (mount(m->source, m->target, m->type, m->flags, m->data) != 0) {
            if (m->optional) continue;
            fail(err, CCONTAINER_STAGE_MOUNT_ENTRY, i);
        }
        if (m->remount_flags &&
            mount(NULL, m->target, NULL, MS_BIND | MS_REMOUNT | (unsigned long)m->remount_flags, NULL) != 0 && !m->optional)
            fail(err, CCONTAINER_STAGE_MOUNT_ENTRY, i);
    }
    hooks_or_fail(spec, CCONTAINER_HOOK_MOUNT, err);
    hooks_or_fail(spec, CCONTAINER_HOOK_AUTODEV, err);
    if (fill_dev(spec->rootfs, spec->console_fd >= 0 ? spec->console_path : NULL) != 0) fail(err, CCONTAINER_STAGE_DEV, 1);
    if (spec->tty_max > 0 && setup_ttys(spec->rootfs, spec->tty_max, spec->tty_socket) != 0) fail(err, CCONTAINER_STAGE_TTY, 0);
    if (chdir(spec->rootfs) != 0 || syscall(SYS_pivot_root, ".", ".") != 0 || umount2(".", MNT_DETACH) != 0 || chdir("/") != 0)
        fail(err, CCONTAINER_STAGE_PIVOT, 0);

    /* Without hooks the nics come only now: lxc-user-nic was at work while the mounts were made. */
    if (!spec->nics_first) take_nics(go, err);
    if (spec->start_host) {
        int waiting[3] = { 0, 0, 0 }, word = 0;
        if (write(err, waiting, sizeof waiting) != (ssize_t)sizeof waiting) _exit(1);
        if (read_all(go, &word, sizeof word) != 0 || word != 1) _exit(1);
    }
    close(go);

    for (int cap = 0; cap < 64; cap++) {
        if ((spec->cap_drop >> cap) & 1) {
            if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) fail(err, CCONTAINER_STAGE_CAPS, cap);
        }
    }
    if (spec->lsm_exec_file && spec->lsm_exec_label) {
        /* As LXC: the label applies at the exec of init; written before seccomp, which may deny it. */
        int attr = open(spec->lsm_exec_file, O_WRONLY | O_CLOEXEC);
        size_t n = strlen(spec->lsm_exec_label);
        if (attr < 0 || write(attr, spec->lsm_exec_label, n) != (ssize_t)n) fail(err, CCONTAINER_STAGE_LSM, 0);
        close(attr);
    }
    if (spec->seccomp_filter) {
        struct sock_fprog prog = { spec->seccomp_length, (struct sock_filter *)spec->seccomp_filter };
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) fail(err, CCONTAINER_STAGE_SECCOMP, 0);
    }
    /* As LXC: the start hooks run inside, confined as init will be. */
    hooks_or_fail(spec, CCONTAINER_HOOK_START, err);

    if (setsid() < 0) fail(err, CCONTAINER_STAGE_CONSOLE, 0);
    int console = spec->console_fd >= 0 ? spec->console_fd : open("/dev/null", O_RDWR | O_CLOEXEC);
    if (console < 0) fail(err, CCONTAINER_STAGE_CONSOLE, 1);
    if (spec->console_fd >= 0) (void)ioctl(console, TIOCSCTTY, 0);
    for (int fd = 0; fd < 3; fd++) if (dup2(console, fd) < 0) fail(err, CCONTAINER_STAGE_CONSOLE, 2);
    /* Nothing of ours leaks into the container: only 0-2 and the error pipe (CLOEXEC) stay. */
    for (int fd = 3; fd < 1024; fd++) if (fd != err) close(fd);
    /* (the console fd itself, if above 2, went with the others: 0-2 are its copies) */
    /* init starts with every signal at its default: an ignored one would stay ignored across
       execve, in init and everything it starts (a shell's nohup, a Python caller's SIGPIPE). */
    for (int sig = 1; sig < NSIG; sig++) if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
    execve(spec->argv[0], spec->argv, spec->envp);
    fail(err, CCONTAINER_STAGE_EXEC, 0);
}

int ccontainer_clone(const ccontainer_spec *spec, ccontainer_child *child) {
    int go[2], error[2], switched[2];
    if (pipe2(go, O_CLOEXEC) != 0) return -1;
    if (pipe2(error, O_CLOEXEC) != 0) { close(go[0]); close(go[1]); return -1; }
    if (pipe2(switched, O_CLOEXEC) != 0) { close(go[0]); close(go[1]); close(error[0]); close(error[1]); return -1; }
    unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
                          CLONE_NEWNET | SIGCHLD;
    pid_t pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
    if (pid < 0) {
        int e = errno;
        close(go[0]); close(go[1]); close(error[0]); close(error[1]); close(switched[0]); close(switched[1]);
        errno = e;
        return -1;
    }
    if (pid == 0) {
        close(go[1]); close(error[0]); close(switched[0]);
        /* The container dies with its monitor. */
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        child_main(spec, go[0], error[1], switched[1]);
        _exit(1);
    }
    close(go[0]); close(error[1]); close(switched[1]);
    child->pid = pid;
    child->go_fd = go[1];
    child->error_fd = error[0];
    child->switched_fd = switched[0];
    return pid;
}

int ccontainer_open_console(int *slave_fd, char *name, unsigned long name_size) {
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) return -1;
    if (grantpt(master) != 0 || unlockpt(master) != 0) { close(master); return -1; }
    if (ptsname_r(master, name, name_size) != 0) { close(master); return -1; }
    int slave = open(name, O_RDWR | O_NOCTTY);
    if (slave < 0) { int e = errno; close(master); errno = e; return -1; }
    *slave_fd = slave;
    return master;
}

int ccontainer_spawn_monitor(char *const *argv, char *const *envp, int ready_fd, int log_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    /* Nothing blocked or ignored by the caller carries over to the monitor and the container
       (a Python caller ignores SIGPIPE and SIGXFSZ). */
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, log_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
    posix_spawn_file_actions_adddup2(&actions, ready_fd, 3);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &actions, &attributes, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) { errno = rc; return -1; }
    return pid;
}

int ccontainer_fork_monitor(int parent_fd, int log_fd) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    setsid();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    prctl(PR_SET_NAME, "userbox-monitor", 0, 0, 0);
    close(parent_fd);
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0) _exit(127);
    if (null_fd > 2) close(null_fd);
    if (log_fd > 2) close(log_fd);
    return 0;
}

int ccontainer_memfd(const char *name) { return memfd_create(name, MFD_CLOEXEC); }

char **ccontainer_environ(void) { return environ; }

int ccontainer_recv_fds(int sock, int *fds, int max) {
    char byte;
    struct iovec iov = { &byte, 1 };
    union { char buf[CMSG_SPACE(sizeof(int) * 64)]; struct cmsghdr align; } control;
    if (max > 64) max = 64;
    struct msghdr msg = { 0 };
    msg.msg_iov = &iov; msg.msg_iovlen = 1;
    msg.msg_control = control.buf; msg.msg_controllen = sizeof control.buf;
    ssize_t n;
    do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
    if (n <= 0) { if (n == 0) errno = ENODATA; return -1; }
    int count = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int got[64];
        memcpy(got, CMSG_DATA(c), sizeof(int) * (size_t)k);
        for (int i = 0; i < k; i++) { if (count < max) fds[count++] = got[i]; else close(got[i]); }
    }
    return count;
}

static int unix_address(struct sockaddr_un *addr, int dirfd, const char *name) {
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    int n = snprintf(addr->sun_path, sizeof addr->sun_path, "/proc/self/fd/%d/%s", dirfd, name);
    if (n < 0 || (size_t)n >= sizeof addr->sun_path) { errno = ENAMETOOLONG; return -1; }
    return 0;
}

/* A SOCK_SEQPACKET socket bound (listening) or connected at DIR/NAME, through a directory fd. */
static int unix_socket_at(const char *dir, const char *name, int listening) {
    int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) return -1;
    struct sockaddr_un addr;
    int fd = -1;
    if (unix_address(&addr, dirfd, name) != 0) goto fail;
    if (listening) unlinkat(dirfd, name, 0);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | (listening ? SOCK_NONBLOCK : 0), 0);
    if (fd < 0) goto fail;
    if (listening) {
        if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || fchmodat(dirfd, name, 0600, 0) != 0 || listen(fd, 8) != 0) goto fail;
    } else if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        goto fail;
    }
    close(dirfd);
    return fd;
fail:;
    int e = errno;
    if (fd >= 0) close(fd);
    close(dirfd);
    errno = e;
    return -1;
}

int ccontainer_listen_unix(const char *dir, const char *name) { return unix_socket_at(dir, name, 1); }

int ccontainer_connect_unix(const char *dir, const char *name) { return unix_socket_at(dir, name, 0); }

int ccontainer_accept(int listener) { return accept4(listener, NULL, NULL, SOCK_CLOEXEC); }

long ccontainer_peer_uid(int fd) {
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return -1;
    return (long)cred.uid;
}

static volatile sig_atomic_t winch_seen;
static void on_winch(int sig) { (void)sig; winch_seen = 1; }

void ccontainer_watch_winch(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_winch;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGWINCH, &sa, NULL);
}

int ccontainer_winch_pending(void) {
    int seen = winch_seen;
    winch_seen = 0;
    return seen;
}

unsigned long ccontainer_termios_size(void) { return sizeof(struct termios); }

int ccontainer_raw_terminal(int fd, void *saved) {
    struct termios t;
    if (tcgetattr(fd, &t) != 0) return -1;
    memcpy(saved, &t, sizeof t);
    cfmakeraw(&t);
    /* TCSANOW, not TCSAFLUSH: keys typed before this (an escape sequence typed at once) count. */
    return tcsetattr(fd, TCSANOW, &t);
}

int ccontainer_restore_terminal(int fd, const void *saved) { return tcsetattr(fd, TCSADRAIN, (const struct termios *)saved); }

int ccontainer_get_winsize(int fd, unsigned short *rows, unsigned short *cols) {
    struct winsize w;
    if (ioctl(fd, TIOCGWINSZ, &w) != 0) return -1;
    *rows = w.ws_row; *cols = w.ws_col;
    return 0;
}

int ccontainer_set_winsize(int fd, unsigned short rows, unsigned short cols) {
    struct winsize w = { rows, cols, 0, 0 };
    return ioctl(fd, TIOCSWINSZ, &w);
}

int ccontainer_pidfd_open(int pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

unsigned long long ccontainer_start_time(int pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return 0;
    /* A zombie has exited: not a running container, whatever its parent has yet to reap. */
    if (p[1] == ' ' && p[2] == 'Z') return 0;
    /* After ") " come fields 3..; start time is field 22. */
    int field = 2;
    for (char *q = p + 1; *q; q++) {
        if (*q == ' ') {
            field++;
            if (field == 22) return strtoull(q + 1, NULL, 10);
        }
    }
    return 0;
}
