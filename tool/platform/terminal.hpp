#pragma once
// The only platform-specific calls in cipolicy live in tool/platform/.

namespace cipolicy::platform {

// True when standard error is an interactive terminal (progress lines go there).
bool stderr_is_terminal();

}  // namespace cipolicy::platform
