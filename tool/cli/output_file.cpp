#include "cli/output_file.hpp"

#include <cstdio>
#include <system_error>

#include "core/error.hpp"
#include "core/file_io.hpp"
#include "platform/durable_file.hpp"

namespace cipolicy::cli {

bool is_stdout(const std::filesystem::path& output) {
    return output == "-" || platform::is_standard_output(output);
}

void write_output(const std::filesystem::path& output, ByteView contents, bool text,
                  const char* option) {
    if (is_stdout(output)) {
        if (!text)
            throw Error(ExitCode::usage, std::string(option) + " " + output.string() +
                                             ": this output is binary; give a file name");
        if (std::fwrite(contents.data(), 1, contents.size(), stdout) != contents.size() ||
            std::fflush(stdout) != 0)
            throw Error(ExitCode::output, "cannot write to standard output");
        return;
    }
    const std::filesystem::path parent = output.parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(parent, ec);
        if (ec)
            throw Error(ExitCode::output,
                        parent.string() + ": cannot create the output folder: " + ec.message());
    }
    write_file_atomically(output, contents);
}

}  // namespace cipolicy::cli
