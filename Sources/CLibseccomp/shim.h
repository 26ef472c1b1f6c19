#include <seccomp.h>

/* Function-like macros do not import into Swift. */
static inline uint32_t cseccomp_act_errno(uint16_t e) { return SCMP_ACT_ERRNO(e); }
static inline struct scmp_arg_cmp cseccomp_arg(unsigned int arg, enum scmp_compare op, uint64_t a, uint64_t b) {
    struct scmp_arg_cmp c = { arg, op, a, b };
    return c;
}
