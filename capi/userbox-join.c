/* userbox-join: the process libuserbox starts (posix_spawn, nothing of the caller's memory
   copied) to attach a command to a running container; see Sources/CContainer/include/join.h.
   Built static (no shared-library loading on every attach); it looks nothing up by name. */
#include "join.h"

int main(int argc, char **argv, char **envp) { return ccontainer_join_helper_main(argc, argv, envp); }
