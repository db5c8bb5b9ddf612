#pragma once
// ASCII case folding for names that compare without case (credential types, hosts, media types,
// store locations). Locale-free: only A-Z change, so UTF-8 passes through untouched.

#include <string>
#include <string_view>

namespace cipolicy {

std::string ascii_lower(std::string_view text);

}  // namespace cipolicy
