/* userbox.h: the C API of libuserbox (unprivileged containers on subordinate ids, LXC's config
 * format). ABI version 1: the symbols below, versioned USERBOX_1 in libuserbox.so.1.
 *
 * Conventions. A call that can fail returns 0 (or a pointer) on success and -1 (or NULL) on
 * failure; userbox_last_error() then says why, in English, for the calling thread. Strings
 * and lists the library returns are the caller's, released with userbox_free() and
 * userbox_free_list(). Handles are not shared between threads. No Swift type crosses this
 * boundary. */
#ifndef USERBOX_H
#define USERBOX_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define USERBOX_ABI_VERSION 1

/* The library's ABI version (USERBOX_ABI_VERSION of the header it was built with). */
int userbox_abi_version(void);

/* Why the calling thread's last failed call failed; NULL when it has not failed yet. Valid
 * until the thread's next failing call. */
const char *userbox_last_error(void);

/* A container by name, in lxcpath (NULL: ~/.local/share/userbox). It need not exist yet. NULL
 * for a name that cannot be a container's. */
typedef struct userbox_container userbox_container;
userbox_container *userbox_container_new(const char *name, const char *lxcpath);
void userbox_container_free(userbox_container *c);

const char *userbox_container_name(const userbox_container *c);
/* The containers directory it lives in. */
const char *userbox_container_lxcpath(const userbox_container *c);

/* 1 when it has a config (it exists), else 0. */
int userbox_defined(const userbox_container *c);
/* 1 when its init runs, else 0. */
int userbox_running(const userbox_container *c);
/* "STOPPED", "STARTING", "RUNNING", "STOPPING", "FROZEN" (static strings). */
const char *userbox_state(const userbox_container *c);
/* Its init's pid as this process sees it, or -1 when it does not run. */
int userbox_init_pid(const userbox_container *c);

/* create flags */
#define USERBOX_CREATE_QUIET 1 /* no progress lines on stdout */

/* Creates it from a template: "busybox", "download" (argv: -d DIST -r RELEASE -a ARCH
 * [--variant V] [--server HOST] [--flush-cache] [--force-cache] [--ca FILE] [--keyring FILE],
 * NULL-terminated; NULL for none), a rootfs directory or a tarball. */
int userbox_create(userbox_container *c, const char *template_name, int flags, char *const argv[]);

/* Starts it detached, with its monitor (userbox-cli beside the library: PREFIX/bin). */
int userbox_start(userbox_container *c);
/* Kills it at once (SIGKILL) and waits until it is gone. */
int userbox_stop(userbox_container *c);
/* Asks it to halt (lxc.signal.halt, else SIGPWR) and waits up to timeout seconds, then kills
 * it. */
int userbox_shutdown(userbox_container *c, int timeout);
/* Removes a stopped container and its rootfs. */
int userbox_destroy(userbox_container *c);
int userbox_freeze(userbox_container *c);
int userbox_unfreeze(userbox_container *c);
/* Waits until it is in one of the states ("RUNNING", "STOPPED", "FROZEN", "THAWED", or several
 * joined by '|'); timeout < 0 waits for ever. 0 when reached, -1 after the timeout. */
int userbox_wait(userbox_container *c, const char *states, double timeout);

/* How attach and enter run inside. Start from USERBOX_ATTACH_OPTIONS_DEFAULT (a zeroed struct
 * would hand the command fd 0 as its stdout). */
#define USERBOX_ATTACH_CLEAR_ENV 0  /* the container's environment (lxc.environment, PATH, HOME...) */
#define USERBOX_ATTACH_KEEP_ENV 1   /* the caller's environment, as liblxc's LXC_ATTACH_KEEP_ENV */
typedef struct userbox_attach_options {
    unsigned int uid;        /* inside the container; 0: its root */
    unsigned int gid;
    char *const *extra_env;  /* NULL-terminated "KEY=VALUE" added to the environment; NULL: none */
    const char *initial_cwd; /* the working directory inside; NULL: /. One the uid cannot enter
                              * fails the command (status 126), where liblxc runs it elsewhere. */
    int env_policy;          /* USERBOX_ATTACH_CLEAR_ENV or USERBOX_ATTACH_KEEP_ENV */
    int stdin_fd;            /* the caller's fds that become the command's 0, 1 and 2 */
    int stdout_fd;
    int stderr_fd;
} userbox_attach_options;
#define USERBOX_ATTACH_OPTIONS_DEFAULT { 0, 0, NULL, NULL, USERBOX_ATTACH_CLEAR_ENV, 0, 1, 2 }

/* Starts argv (execvp with the environment's PATH) in every namespace of the running container,
 * its cgroups, capabilities and seccomp filter, and puts its pid in *pid: the command is the
 * caller's child (as liblxc makes it), to waitpid and signal. The process that joins is spawned
 * (the userbox-join helper; nothing of the caller's memory is copied), so this is safe and cheap
 * from a large or multi-threaded program. options: NULL for the default. */
int userbox_attach(userbox_container *c, char *const argv[], const userbox_attach_options *options, pid_t *pid);

/* userbox_attach, then waits: puts the command's exit status (128+N for signal N) in *status. */
int userbox_attach_run(userbox_container *c, char *const argv[], const userbox_attach_options *options, int *status);

/* Moves the calling process into the running container, as attach moves its command, so a
 * language binding can run its own code inside. The process must be single-threaded: fork, call
 * this in the child. The child stays behind, relaying the status of its own child, which is
 * the one that returns (0) and runs inside; exit from there ends both. On -1 the process is
 * partly joined: _exit. The environment the container's processes get is put in *environment
 * (a list for userbox_free_list; NULL to ignore). */
int userbox_enter(userbox_container *c, const userbox_attach_options *options, char ***environment);
/* (enter uses uid, gid, extra_env, initial_cwd and env_policy; the process keeps its own fds.) */

/* The value of a config key as the config (the handle's edits, else the file) has it (the last one for a key given several
 * times), or NULL (unset: userbox_last_error() is NULL then; unreadable: it says why). */
char *userbox_get_config_item(userbox_container *c, const char *key);

/* clone flags (liblxc's values) */
#define USERBOX_CLONE_KEEPNAME 1    /* keep lxc.uts.name */
#define USERBOX_CLONE_KEEPMACADDR 2 /* keep the MAC addresses */
#define USERBOX_CLONE_SNAPSHOT 4    /* copy-on-write: an overlay clone */

/* A copy of the stopped container as newname (in lxcpath, NULL: the same directory), as
 * lxc-copy: bdevtype "dir", "overlay" (or "overlayfs") or "btrfs" (NULL: the source's; overlay
 * with USERBOX_CLONE_SNAPSHOT). A handle on the new container, or NULL. */
userbox_container *userbox_clone(userbox_container *c, const char *newname, const char *lxcpath, int flags, const char *bdevtype);

/* lxc-snapshot's: snapshot the stopped container (comment_file: a file whose text is kept with
 * it, or NULL); returns its name ("snap0", "snap1"...). */
char *userbox_snapshot(userbox_container *c, const char *comment_file);
/* Its snapshots, oldest first, each "NAME\tCOMMENT-FILE\tTIMESTAMP\tLXCPATH" (COMMENT-FILE empty
 * when it has none). */
char **userbox_snapshot_list(userbox_container *c);
/* Restores a snapshot over the stopped container (newname NULL) or as a new container. */
int userbox_snapshot_restore(userbox_container *c, const char *name, const char *newname);
int userbox_snapshot_destroy(userbox_container *c, const char *name);

/* Edits of the config, kept in the handle (later gets see them) until userbox_save_config
 * writes them to the config file. set replaces every line of the key with one (the value checked
 * as start would read it: a bad key or value is refused now); clear removes them. */
int userbox_set_config_item(userbox_container *c, const char *key, const char *value);
int userbox_clear_config_item(userbox_container *c, const char *key);
int userbox_save_config(userbox_container *c);

/* The addresses the running container's interfaces have now, as liblxc's get_ips: interface
 * NULL for all; family NULL, "inet" or "inet6"; scope the IPv6 scope (0: global; link-local is
 * 0x20). Loopback is left out. An empty list when it has none; NULL when it does not run or the
 * family is unknown. Read from /proc/INIT/net: no process is started. */
char **userbox_get_ips(userbox_container *c, const char *interface, const char *family, int scope);

/* The names of the containers in lxcpath (NULL: the default), sorted. */
char **userbox_list(const char *lxcpath);

void userbox_free(void *p);
void userbox_free_list(char **list);

#ifdef __cplusplus
}
#endif

#endif
