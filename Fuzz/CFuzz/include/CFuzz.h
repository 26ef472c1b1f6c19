#ifndef CFUZZ_H
#define CFUZZ_H
#include <stddef.h>
#include <stdint.h>
/* Runs libFuzzer's driver when the binary was linked with its no-main runtime (make fuzz);
   returns -1 otherwise, so an ordinary `swift build` still links. */
int cfuzz_run(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t));
#endif
