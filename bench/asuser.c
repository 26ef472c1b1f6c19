/* asuser USER COMMAND...: become USER (uid, gid, supplementary groups), clear the environment
   but HOME, USER and a fixed PATH, cd HOME and exec COMMAND. The benchmark's way to run both
   sides as the user with less fixed cost than setpriv + env, so ratios show the commands. */
#define _GNU_SOURCE
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: asuser USER COMMAND...\n"); return 2; }
    struct passwd *pw = getpwnam(argv[1]);
    if (!pw) { fprintf(stderr, "asuser: no user %s\n", argv[1]); return 2; }
    if (initgroups(pw->pw_name, pw->pw_gid) || setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) ||
        setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid)) { perror("asuser"); return 2; }
    if (chdir(pw->pw_dir) != 0) { perror("asuser: chdir"); return 2; }
    const char *path = getenv("ASUSER_PATH");
    char home[4096], user[256], pathvar[4096];
    snprintf(home, sizeof home, "HOME=%s", pw->pw_dir);
    snprintf(user, sizeof user, "USER=%s", pw->pw_name);
    snprintf(pathvar, sizeof pathvar, "PATH=%s", path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
    char *env[] = { home, user, pathvar, NULL };
    environ = env;
    execvp(argv[2], argv + 2);
    perror("asuser: exec");
    return 127;
}
