#include "test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <random>
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

fs::path write_config(const std::string& text) {
    fs::path dir =
        fs::temp_directory_path() / ("cipolicy-config-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    fs::path file = dir / "cipolicy.yaml";
    std::ofstream(file) << text;
    return file;
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
