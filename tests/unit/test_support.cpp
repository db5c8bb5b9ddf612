#include "test_support.hpp"

#include <cstdlib>
#include <stdexcept>

#include "core/file_io.hpp"

namespace cipolicy::test {
namespace fs = std::filesystem;

std::optional<fs::path> shared_dir() {
    fs::path dir = CIPOLICY_SHARED_DIR_DEFAULT;
    if (const char* env = std::getenv("CIPOLICY_SHARED_DIR"); env && *env) dir = env;
    if (fs::is_directory(dir / "oracles")) return dir;
    return std::nullopt;
}

fs::path oracle(const fs::path& relative) {
    auto dir = shared_dir();
    if (!dir) throw std::runtime_error("oracle test run without ../shared");
    return *dir / relative;
}

Bytes read_bytes(const fs::path& path) {
    return read_file(path);
}

void set_env(const char* name, const char* value) {
#ifdef _WIN32
    _putenv_s(name, value ? value : "");
#else
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
#endif
}

}  // namespace cipolicy::test
