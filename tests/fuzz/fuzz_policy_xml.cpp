// The XML compiler: well-formedness, the schema checks and the binary writer; and the reader's
// one-pass tree against the general reading (xml_tree_compare.hpp): whatever the one pass takes,
// the scan and pugixml must take too, giving an equal tree.
#include <cstdio>
#include <cstdlib>

#include "fuzz_support.hpp"
#include "policy/compiler.hpp"
#include "policy/xml_source.hpp"
#include "xml_tree_compare.hpp"

using namespace cipolicy;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::as_text(data, size);
    if (!policy::find_bad_characters(text))
        if (const auto one_pass = policy::XmlTree::read(text)) {
            pugi::xml_document doc;
            const auto general = test::general_tree(text, doc);
            const auto difference =
                general ? test::tree_difference(*one_pass, *general)
                        : std::optional<std::string>("the general reading refuses the document");
            if (difference) {
                std::fprintf(stderr, "one-pass tree differs: %s\n", difference->c_str());
                std::abort();
            }
        }
    fuzz::expect_error_or_success([&] {
        const policy::XmlSource source("fuzz.xml", text);
        policy::compile_policy_xml(source);
    });
    return 0;
}
