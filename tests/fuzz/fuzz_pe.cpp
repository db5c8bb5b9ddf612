// A PE file from a build folder, or anywhere: the PE reader, the Authenticode parser and rule
// generation at every level must end in a result or an Error, within bounded memory.
#include "fuzz_support.hpp"
#include "pe/pe_file.hpp"
#include "scan/rule_set.hpp"

using namespace cipolicy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    (void)pe::looks_like_pe(input);
    fuzz::expect_error_or_success([&] {
        const pe::PeFile file = pe::read_pe(input, "fuzz.exe");
        for (const pe::Signature& s : file.signatures) fuzz::check_message(s.problem);
        scan::RuleSet rules;
        for (int level = 0; level <= static_cast<int>(scan::Level::whql_file_publisher); ++level)
            fuzz::check_message(scan::add_rules(rules, file, "fuzz.exe", "dir/fuzz.exe",
                                                static_cast<scan::Level>(level)));
    });
    return 0;
}
