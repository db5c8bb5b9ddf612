#include "cli/commands.hpp"

int main(int argc, char** argv) {
    return cipolicy::cli::run_cli(argc, argv);
}
