#include "CLinux.h"

#include <sys/auxv.h>

#include <string.h>

extern char **environ;

static int captured_argc;
static char *const *captured_argv;

/* glibc passes (argc, argv, envp) to .init_array functions. */
__attribute__((constructor(102))) static void clinux_capture_argv(int argc, char **argv, char **envp) {
    (void)envp;
    captured_argc = argc;
    captured_argv = argv;
}

/* The statically linked Swift 6.3.1 runtime honours SWIFT_* variables even when AT_SECURE.
   Priority 101 runs before the runtime's own constructors. Compact in place: the runtime
   locates argv by walking back from environ, so environ must stay where it is. */
__attribute__((constructor(101))) static void clinux_scrub_privileged_environment(void) {
    if (!getauxval(AT_SECURE) || environ == NULL) return;
    char **src = environ, **dst = environ;
    for (; *src; src++) {
        if (strncmp(*src, "SWIFT_", 6) == 0 || strncmp(*src, "LIBDISPATCH_", 12) == 0) continue;
        *dst++ = *src;
    }
    *dst = NULL;
}

int clinux_argc(void) { return captured_argc; }
char *const *clinux_argv(void) { return captured_argv; }
