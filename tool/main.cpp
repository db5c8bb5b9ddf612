#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "platform/process_start.hpp"

int main(int argc, char** argv) {
    cipolicy::platform::prepare_standard_streams();
    std::vector<std::string> args = cipolicy::platform::utf8_arguments(argc, argv);
    std::vector<char*> pointers;
    for (auto& a : args) pointers.push_back(a.data());
    pointers.push_back(nullptr);
    return cipolicy::cli::run_cli(static_cast<int>(args.size()), pointers.data());
}
