#include "policy/round_trip.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "policy/compiler.hpp"

namespace cipolicy::policy {

void check_round_trip(const PolicyXml& xml, ByteView binary, std::uint32_t format_version) {
    const std::uint32_t version = format_version;
    Bytes again;
    try {
        again = compile_policy_xml(XmlSource("the decompiled XML", xml.text), version);
    } catch (const Error& e) {
        throw Error(ExitCode::input,
                    std::string("the policy holds what policy XML cannot express, so compile "
                                "would refuse the XML: ") +
                        e.what());
    }
    // Warnings already name what differs.
    if (!xml.warnings.empty()) return;
    if (!std::equal(again.begin(), again.end(), binary.begin(), binary.end()))
        throw Error(ExitCode::input,
                    "the XML would not compile back to the same bytes (please report this with "
                    "the file)");
}

}  // namespace cipolicy::policy
