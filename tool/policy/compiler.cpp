#include "policy/compiler.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"
#include "policy/binary_writer.hpp"
#include "policy/compile_order.hpp"
#include "policy/xml_reader.hpp"

namespace cipolicy::policy {

CompiledPolicy compile_policy(const XmlSource& source,
                              std::optional<std::uint32_t> format_version) {
    if (format_version &&
        (*format_version < kMinCompileFormatVersion || *format_version > kLatestFormatVersion))
        throw Error(ExitCode::usage, "format version " + std::to_string(*format_version) +
                                         " is not supported (expected " +
                                         std::to_string(kMinCompileFormatVersion) + " to " +
                                         std::to_string(kLatestFormatVersion) + ")");
    CompiledPolicy out{read_policy_xml(source), {}};
    out.model.format_version =
        format_version.value_or(std::max(kDefaultFormatVersion, minimum_format_version(out.model)));
    apply_compiler_order(out.model);
    try {
        out.binary = write_policy_binary(out.model);
    } catch (const Error& e) {
        // The writer's refusals (a field this format version cannot hold) concern the document.
        throw Error(e.code(), source.path().string() + ": " + e.what());
    }
    return out;
}

}  // namespace cipolicy::policy
