/* libuserbox's C API from C, run by t_capi.sh (under valgrind memcheck): the lifecycle of the
 * seeds' C example (create from the download template, start, state and pid, shutdown, destroy)
 * and every other call, with its error paths. Each check prints "ok - ..." or "not ok - ...".
 * Usage: capi_test NAME DOWNLOAD-OPTION... | capi_test --attach-only NAME */
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <userbox.h>

static int failures;

static void check(int ok, const char *what) {
    printf("%s - %s", ok ? "ok" : "not ok", what);
    if (!ok && userbox_last_error()) printf(" (%s)", userbox_last_error());
    printf("\n");
    if (!ok) failures++;
}

static int in_list(char **list, const char *name) {
    for (char **p = list; p && *p; p++) if (strcmp(*p, name) == 0) return 1;
    return 0;
}

/* Every attach and enter call on a running container `name`; run by the main flow, and again
 * with --attach-only on one whose library finds no userbox-join (the fork path). */
static void attach_checks(userbox_container *c, const char *name) {
    char *true_argv[] = { "true", NULL };
    int status = -1;
    /* The layout libuserbox reads the options in (UserboxC/Inside.swift). */
    check(offsetof(userbox_attach_options, extra_env) == 8 && offsetof(userbox_attach_options, initial_cwd) == 16 &&
          offsetof(userbox_attach_options, env_policy) == 24 && offsetof(userbox_attach_options, stdin_fd) == 28 &&
          offsetof(userbox_attach_options, stderr_fd) == 36, "userbox_attach_options has the layout the library reads");
    check(userbox_attach_run(c, true_argv, NULL, &status) == 0 && status == 0, "attach_run true: status 0");
    char *exit3[] = { "sh", "-c", "exit 3", NULL };
    check(userbox_attach_run(c, exit3, NULL, &status) == 0 && status == 3, "attach_run exit 3: status 3");
    char *env_argv[] = { "sh", "-c", "test \"$(id -u)\" = 1000 && test \"$GREETING\" = hello && test \"$EDITED\" = yes", NULL };
    char *extra_env[] = { "GREETING=hello", NULL };
    userbox_attach_options as_user = USERBOX_ATTACH_OPTIONS_DEFAULT;
    as_user.uid = as_user.gid = 1000;
    as_user.extra_env = extra_env;
    check(userbox_attach_run(c, env_argv, &as_user, &status) == 0 && status == 0, "attach_run as uid 1000 with extra environment, and the saved lxc.environment");
    char *missing[] = { "/no/such/program", NULL };
    check(userbox_attach_run(c, missing, NULL, &status) == 0 && status == 127, "attach_run of a missing program: 127");
    char *killed[] = { "sh", "-c", "kill -TERM $$", NULL };
    check(userbox_attach_run(c, killed, NULL, &status) == 0 && status == 128 + 15, "attach_run of a command killed by SIGTERM: 143");

    /* userbox_attach: a pid to wait for, stdio from the options, the working directory. */
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) exit(2);
    userbox_attach_options io = USERBOX_ATTACH_OPTIONS_DEFAULT;
    io.stdin_fd = in[0];
    io.stdout_fd = out[1];
    io.stderr_fd = out[1];
    io.initial_cwd = "/etc";
    char *shell[] = { "sh", "-c", "pwd; echo to-stderr >&2; read line; echo \"got $line\"; exit 5", NULL };
    pid_t pid = -1;
    check(userbox_attach(c, shell, &io, &pid) == 0 && pid > 0, "userbox_attach: a pid");
    close(in[0]);
    close(out[1]);
    (void)!write(in[1], "fed\n", 4);
    close(in[1]);
    char got[256] = "";
    size_t used = 0;
    ssize_t n;
    while (used < sizeof got - 1 && (n = read(out[0], got + used, sizeof got - 1 - used)) > 0) used += (size_t)n;
    got[used] = 0;
    close(out[0]);
    int wstatus = 0;
    check(pid > 0 && waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 5,
          "its wait status is the command's (exit 5)");
    check(strcmp(got, "/etc\nto-stderr\ngot fed\n") == 0, "stdin, stdout and stderr are the given fds; the working directory is initial_cwd");
    char *sleeper[] = { "sleep", "30", NULL };
    pid = -1;
    check(userbox_attach(c, sleeper, NULL, &pid) == 0 && pid > 0, "userbox_attach sleep 30");
    char stat_path[64], stat_line[512] = "";
    snprintf(stat_path, sizeof stat_path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(stat_path, "r");
    if (f) { if (!fgets(stat_line, sizeof stat_line, f)) stat_line[0] = 0; fclose(f); }
    const char *after_comm = strrchr(stat_line, ')');
    int parent = -1;
    if (after_comm) sscanf(after_comm, ") %*c %d", &parent);
    check(parent == (int)getpid(), "the command is the caller's own child (nothing relays in between)");
    check(kill(pid, SIGKILL) == 0 && waitpid(pid, &wstatus, 0) == pid && WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL,
          "a signal to the pid ends it with that signal");
    userbox_attach_options nowhere = USERBOX_ATTACH_OPTIONS_DEFAULT;
    nowhere.initial_cwd = "/no/such/dir";
    check(userbox_attach_run(c, true_argv, &nowhere, &status) == 0 && status == 126, "an initial_cwd that is not there: 126, not run elsewhere");
    setenv("CAPI_MARK", "kept", 1);
    char *mark[] = { "sh", "-c", "test \"$CAPI_MARK\" = kept", NULL };
    userbox_attach_options keep = USERBOX_ATTACH_OPTIONS_DEFAULT;
    keep.env_policy = USERBOX_ATTACH_KEEP_ENV;
    check(userbox_attach_run(c, mark, &keep, &status) == 0 && status == 0, "USERBOX_ATTACH_KEEP_ENV: the caller's environment");
    check(userbox_attach_run(c, mark, NULL, &status) == 0 && status == 1, "the default: the container's, not the caller's");
    /* A host directory fd the caller left inheritable does not reach the command. */
    int leak = open("/", O_RDONLY | O_DIRECTORY);
    char leak_test[64];
    snprintf(leak_test, sizeof leak_test, "test ! -e /proc/self/fd/%d", leak);
    char *no_leak[] = { "sh", "-c", leak_test, NULL };
    check(leak > 2 && userbox_attach_run(c, no_leak, NULL, &status) == 0 && status == 0,
          "an inheritable fd of the caller is not open in the command (only 0-2 are)");
    close(leak);
    char *empty[] = { NULL };
    check(userbox_attach(c, empty, NULL, &pid) == -1 && userbox_last_error() != NULL, "an empty argv is refused");

    /* enter: a forked child moves in and reports the container's hostname. */
    int pipefd[2];
    if (pipe(pipefd) != 0) exit(2);
    pid_t child = fork();
    if (child == 0) {
        close(pipefd[0]);
        char **environment = NULL;
        userbox_attach_options at_tmp = USERBOX_ATTACH_OPTIONS_DEFAULT;
        at_tmp.initial_cwd = "/tmp";
        if (userbox_enter(c, &at_tmp, &environment) != 0) _exit(100);
        char host[256] = "", cwd[256] = "";
        gethostname(host, sizeof host);
        if (!getcwd(cwd, sizeof cwd)) _exit(101);
        int has_path = 0;
        for (char **e = environment; e && *e; e++) if (strncmp(*e, "PATH=", 5) == 0) has_path = 1;
        dprintf(pipefd[1], "%s %d %d %s %d", host, (int)getuid(), has_path, cwd, (int)prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
        _exit(7);
    }
    close(pipefd[1]);
    char line[300] = "";
    n = read(pipefd[0], line, sizeof line - 1);
    if (n > 0) line[n] = 0;
    close(pipefd[0]);
    waitpid(child, &wstatus, 0);
    char want[300];
    snprintf(want, sizeof want, "%s 0 1 /tmp 0", name);
    check(strcmp(line, want) == 0, "enter: the child runs inside (container's hostname, root, its environment, initial_cwd), "
          "not dumpable (root inside cannot ptrace a copy of the caller)");
    check(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 7, "enter: its exit status reaches the parent");
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: capi_test NAME DOWNLOAD-OPTION...\n"); return 2; }
    /* Line-buffered: the library's children (fork, or posix_spawn as valgrind runs it) must not
       inherit and write out unflushed lines. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 3 && strcmp(argv[1], "--freeze") == 0) {
        /* Run by t_cgroups.sh, where the user has cgroups to freeze with. */
        userbox_container *running = userbox_container_new(argv[2], NULL);
        check(running && userbox_running(running), "the container runs");
        check(userbox_freeze(running) == 0 && strcmp(userbox_state(running), "FROZEN") == 0, "userbox_freeze: state FROZEN");
        check(userbox_wait(running, "FROZEN", 1) == 0 && userbox_wait(running, "THAWED", 0.2) == -1, "wait FROZEN holds, THAWED does not");
        check(userbox_unfreeze(running) == 0 && strcmp(userbox_state(running), "RUNNING") == 0, "userbox_unfreeze: state RUNNING");
        check(userbox_wait(running, "THAWED", 1) == 0, "wait THAWED holds");
        userbox_container_free(running);
        return failures ? 1 : 0;
    }
    if (argc == 3 && strcmp(argv[1], "--attach-only") == 0) {
        userbox_container *running = userbox_container_new(argv[2], NULL);
        check(running && userbox_running(running), "the container runs");
        if (running) attach_checks(running, argv[2]);
        userbox_container_free(running);
        return failures ? 1 : 0;
    }
    check(userbox_abi_version() == USERBOX_ABI_VERSION, "userbox_abi_version matches the header");
    check(userbox_last_error() == NULL, "no error before any call failed");

    /* Error paths first. */
    check(userbox_container_new("../escape", NULL) == NULL && userbox_last_error() != NULL,
          "a name that cannot be a container's is refused with a message");
    check(userbox_container_new(NULL, NULL) == NULL, "a NULL name is refused");
    userbox_container *ghost = userbox_container_new("nosuchbox", NULL);
    check(ghost && !userbox_defined(ghost) && !userbox_running(ghost), "a handle on a container that does not exist");
    check(strcmp(userbox_state(ghost), "STOPPED") == 0 && userbox_init_pid(ghost) == -1, "its state is STOPPED, no init pid");
    check(userbox_start(ghost) == -1 && strstr(userbox_last_error(), "nosuchbox") != NULL, "start of it fails naming it");
    check(userbox_destroy(ghost) == -1, "destroy of it fails");
    check(userbox_freeze(ghost) == -1 && userbox_last_error() != NULL, "freeze of it fails, saying why");
    check(userbox_unfreeze(ghost) == -1 && userbox_last_error() != NULL, "unfreeze of it fails, saying why");
    char *true_argv[] = { "true", NULL };
    check(userbox_attach(ghost, true_argv, NULL, NULL) == -1, "userbox_attach to it fails");
    check(userbox_enter(ghost, NULL, NULL) == -1 && strstr(userbox_last_error(), "nosuchbox") != NULL,
          "enter of it fails before joining anything, naming it");
    const char *lxcpath = userbox_container_lxcpath(ghost);
    check(lxcpath && strlen(lxcpath) > 21 && strcmp(lxcpath + strlen(lxcpath) - 21, "/.local/share/userbox") == 0,
          "userbox_container_lxcpath: the default, ~/.local/share/userbox");
    check(userbox_get_config_item(ghost, "lxc.uts.name") == NULL && userbox_last_error() != NULL,
          "its config items: NULL with a message (no config)");
    int status = -1;
    check(userbox_attach_run(ghost, true_argv, NULL, &status) == -1, "attach to it fails");
    check(userbox_wait(ghost, "NOSUCHSTATE", 0) == -1 && strstr(userbox_last_error(), "unknown state") != NULL,
          "wait for an unknown state is refused");
    check(userbox_create(ghost, "busybox", 0, argv + 2) == -1 && argc > 2, "template options with busybox are refused");
    check(!userbox_defined(ghost), "and nothing was created");
    userbox_container_free(ghost);

    /* The seeds' C example: create from the download template, start, state and pid, shutdown,
       destroy. */
    userbox_container *c = userbox_container_new(argv[1], NULL);
    check(c != NULL && strcmp(userbox_container_name(c), argv[1]) == 0, "userbox_container_new");
    check(!userbox_defined(c), "not defined before create");
    check(userbox_create(c, "download", USERBOX_CREATE_QUIET, argv + 2) == 0, "create from the download template");
    check(userbox_defined(c), "defined after create");
    char *uts = userbox_get_config_item(c, "lxc.uts.name");
    check(uts && strcmp(uts, argv[1]) == 0, "get_config_item lxc.uts.name is the name");
    userbox_free(uts);
    char *none = userbox_get_config_item(c, "lxc.no.such.key");
    check(none == NULL && userbox_last_error() == NULL, "an unset key: NULL and no error");
    check(userbox_set_config_item(c, "lxc.no.such.key", "1") == -1 && userbox_last_error() != NULL,
          "set_config_item refuses an unknown key, saying why");
    check(userbox_set_config_item(c, "lxc.signal.halt", "SIGNOTHING") == -1, "and a bad value");
    check(userbox_set_config_item(c, "lxc.environment", "EDITED=yes") == 0, "set_config_item lxc.environment");
    char *edited = userbox_get_config_item(c, "lxc.environment");
    check(edited && strcmp(edited, "EDITED=yes") == 0, "a get sees the edit before it is saved");
    userbox_free(edited);
    check(userbox_save_config(c) == 0, "save_config");
    userbox_container *again = userbox_container_new(argv[1], NULL);
    edited = userbox_get_config_item(again, "lxc.environment");
    check(edited && strcmp(edited, "EDITED=yes") == 0, "a new handle reads the saved value from the file");
    userbox_free(edited);
    check(userbox_clear_config_item(again, "lxc.environment") == 0 && userbox_get_config_item(again, "lxc.environment") == NULL,
          "clear_config_item removes the key (until saved, in this handle only)");
    userbox_container_free(again);
    char **names = userbox_list(NULL);
    check(in_list(names, argv[1]), "userbox_list names it");
    userbox_free_list(names);
    check(userbox_start(c) == 0, "start");
    check(userbox_start(c) == -1 && userbox_last_error() != NULL, "a second start fails: it runs");
    check(userbox_running(c) && strcmp(userbox_state(c), "RUNNING") == 0, "state RUNNING");
    check(userbox_init_pid(c) > 1, "init pid");
    check(userbox_wait(c, "RUNNING", 5) == 0, "wait RUNNING");
    check(userbox_wait(c, "STOPPED", 0.2) == -1, "wait STOPPED times out while it runs");

    attach_checks(c, argv[1]);

    char **ips = userbox_get_ips(c, NULL, NULL, 0);
    check(ips != NULL && ips[0] == NULL, "get_ips of a running container without a network: an empty list");
    userbox_free_list(ips);
    ips = userbox_get_ips(c, NULL, "ipx", 0);
    check(ips == NULL && userbox_last_error() != NULL, "get_ips of an unknown family: NULL, saying why");
    userbox_free_list(ips);
    check(userbox_destroy(c) == -1 && userbox_last_error() != NULL, "destroy while running fails");
    if (userbox_shutdown(c, 2) != 0) {
        check(userbox_stop(c) == 0, "shutdown failed; stop");
    } else {
        check(1, "shutdown");
    }
    check(!userbox_running(c) && strcmp(userbox_state(c), "STOPPED") == 0, "state STOPPED");

    /* Snapshots and clones, on the stopped container. */
    char *snap = userbox_snapshot(c, NULL);
    check(snap && strcmp(snap, "snap0") == 0, "snapshot: snap0");
    userbox_free(snap);
    char **snaps = userbox_snapshot_list(c);
    check(snaps && snaps[0] && strncmp(snaps[0], "snap0\t\t", 7) == 0 && !snaps[1], "snapshot_list: snap0, no comment");
    userbox_free_list(snaps);
    check(userbox_snapshot_restore(c, "snap0", NULL) == 0, "snapshot_restore in place");
    check(userbox_snapshot_restore(c, "snap9", NULL) == -1 && userbox_last_error() != NULL, "restore of a snapshot that is not there fails");
    check(userbox_snapshot_destroy(c, "snap0") == 0, "snapshot_destroy");
    snaps = userbox_snapshot_list(c);
    check(snaps && !snaps[0], "no snapshots left");
    userbox_free_list(snaps);
    userbox_container *clone = userbox_clone(c, "apiclone", NULL, USERBOX_CLONE_SNAPSHOT, NULL);
    check(clone && userbox_defined(clone), "clone with USERBOX_CLONE_SNAPSHOT");
    char *rootfs = clone ? userbox_get_config_item(clone, "lxc.rootfs.path") : NULL;
    check(rootfs && strstr(rootfs, "/apicontainer/rootfs:") && strstr(rootfs, "/apiclone/overlay/delta"),
          "it is an overlay clone: lxc.rootfs.path reads LOWER:UPPER, the storage type off, as liblxc gives it");
    userbox_free(rootfs);
    check(userbox_clone(c, "apiclone2", NULL, 0, "zfs") == NULL && userbox_last_error() != NULL, "a storage we do not make is refused");
    check(userbox_destroy(c) == -1, "the source of a clone cannot be destroyed");
    check(clone && userbox_destroy(clone) == 0, "the clone is destroyed");
    userbox_container_free(clone);
    check(userbox_stop(c) == -1, "stop of a stopped container fails");
    check(userbox_get_ips(c, NULL, NULL, 0) == NULL, "get_ips of a stopped container: NULL");
    check(userbox_destroy(c) == 0, "destroy");
    check(!userbox_defined(c), "not defined after destroy");
    userbox_container_free(c);
    userbox_container_free(NULL);
    userbox_free(NULL);
    userbox_free_list(NULL);
    return failures ? 1 : 0;
}
