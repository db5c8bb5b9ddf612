#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstring>
#include <iostream>

#include "cli/options_table.hpp"
#include "test_support.hpp"

// Tests tagged [oracle] read Microsoft's files from ../shared. Without it they are skipped
// (exit 77, which ctest reports as "Skipped"), never passed.
int main(int argc, char* argv[]) {
    bool oracle_run = false;
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "[oracle]") == 0) oracle_run = true;
    if (oracle_run && !cipolicy::test::shared_dir()) {
        std::cout << "SKIPPED: ../shared (or CIPOLICY_SHARED_DIR) not found\n";
        return 77;
    }
    // Messages name settings by their flag, as the cipolicy executable prints them.
    cipolicy::cli::name_settings_by_flag();
    return Catch::Session().run(argc, argv);
}
