#include "platform/terminal.hpp"

#ifdef _WIN32
#include <io.h>
#define CIPOLICY_ISATTY _isatty
#define CIPOLICY_STDERR 2
#else
#include <unistd.h>
#define CIPOLICY_ISATTY isatty
#define CIPOLICY_STDERR STDERR_FILENO
#endif

namespace cipolicy::platform {

bool stderr_is_terminal() {
    return CIPOLICY_ISATTY(CIPOLICY_STDERR) != 0;
}

}  // namespace cipolicy::platform
