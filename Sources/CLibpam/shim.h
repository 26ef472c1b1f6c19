#include <security/pam_appl.h>
#include <security/pam_modules.h>
#include <security/pam_ext.h>

/* pam_syslog is variadic: one preformatted message. */
static inline void cpam_syslog(pam_handle_t *pamh, int priority, const char *message) {
    pam_syslog(pamh, priority, "%s", message);
}
