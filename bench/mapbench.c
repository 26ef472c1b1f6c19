/* Exec-to-exit time of a successful newuidmap call on a fresh user namespace, for several
   helper binaries in one run (alternating, so machine noise hits all alike). Run as root:
   mapbench RUNS UID GID LOWER COUNT HELPER... ; prints "median_us helper" lines. */
#define _GNU_SOURCE
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uid_t uid; static gid_t gid;

static void become_user(void) {
    if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid)) _exit(99);
}

static pid_t new_target(int *hold) {
    int ready[2], wait_pipe[2];
    if (pipe(ready) || pipe(wait_pipe)) exit(1);
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]); close(wait_pipe[1]);
        become_user();
        /* A process that changed its ids is not dumpable, so its /proc files belong to root;
           a target made by `unshare -U` after exec is dumpable, as here. */
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        if (unshare(CLONE_NEWUSER)) _exit(98);
        char c = 1; if (write(ready[1], &c, 1) != 1) _exit(97);
        read(wait_pipe[0], &c, 1);
        _exit(0);
    }
    close(ready[1]); close(wait_pipe[0]);
    char c; if (read(ready[0], &c, 1) != 1) { fprintf(stderr, "target failed\n"); exit(1); }
    close(ready[0]);
    *hold = wait_pipe[1];
    return pid;
}

static double run_helper(const char *helper, pid_t target, const char *lower, const char *count) {
    char pidtext[32]; snprintf(pidtext, sizeof pidtext, "%d", (int)target);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pid = fork();
    if (pid == 0) {
        become_user();
        char *argv[] = { (char *)"newuidmap", pidtext, (char *)"0", (char *)lower, (char *)count, NULL };
        char *envp[] = { NULL };
        execve(helper, argv, envp);
        _exit(127);
    }
    int status; waitpid(pid, &status, 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "%s failed (%d)\n", helper, status); exit(1); }
    return (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
}

static int cmp(const void *x, const void *y) { double a = *(const double *)x, b = *(const double *)y; return (a > b) - (a < b); }

int main(int argc, char **argv) {
    if (argc < 7) { fprintf(stderr, "usage: mapbench RUNS UID GID LOWER COUNT HELPER...\n"); return 2; }
    int runs = atoi(argv[1]); uid = atoi(argv[2]); gid = atoi(argv[3]);
    int helpers = argc - 6;
    double *times = calloc((size_t)runs * helpers, sizeof(double));
    for (int r = 0; r < runs + 5; r++) {
        for (int h = 0; h < helpers; h++) {
            int hold; pid_t t = new_target(&hold);
            double us = run_helper(argv[6 + h], t, argv[4], argv[5]);
            close(hold); waitpid(t, NULL, 0);
            if (r >= 5) times[h * runs + (r - 5)] = us;   /* first 5 rounds are warm-up */
        }
    }
    for (int h = 0; h < helpers; h++) {
        qsort(times + h * runs, runs, sizeof(double), cmp);
        printf("%.1f %s\n", times[h * runs + runs / 2], argv[6 + h]);
    }
    return 0;
}
