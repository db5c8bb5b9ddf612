#include "policy/compiler.hpp"

#include <algorithm>
#include <string>

#include "core/error.hpp"
#include "policy/binary_writer.hpp"
#include "policy/compile_order.hpp"
#include "policy/xml_reader.hpp"

namespace cipolicy::policy {

namespace {

Policy read_checked(const XmlSource& source, std::optional<std::uint32_t> format_version,
                    FileRuleNames names) {
    if (format_version &&
        (*format_version < kMinCompileFormatVersion || *format_version > kLatestFormatVersion))
        throw Error(ExitCode::usage, "format version " + std::to_string(*format_version) +
                                         " is not supported (expected " +
                                         std::to_string(kMinCompileFormatVersion) + " to " +
                                         std::to_string(kLatestFormatVersion) + ")");
    Policy model = read_policy_xml(source, names);
    model.format_version =
        format_version.value_or(std::max(kDefaultFormatVersion, minimum_format_version(model)));
    return model;
}

}  // namespace

Policy read_policy_to_compile(const XmlSource& source,
                              std::optional<std::uint32_t> format_version) {
    // This model goes to the binary alone, which stores no names.
    return read_checked(source, format_version, FileRuleNames::ids_only);
}

Bytes write_policy_to_compile(Policy& model, const std::filesystem::path& source_path) {
    apply_compiler_order(model);
    try {
        return write_policy_binary(model);
    } catch (const Error& e) {
        // The writer's refusals (a field this format version cannot hold) concern the document.
        throw Error(e.code(), source_path.string() + ": " + e.what());
    }
}

CompiledPolicy compile_policy(const XmlSource& source,
                              std::optional<std::uint32_t> format_version) {
    CompiledPolicy out{read_checked(source, format_version, FileRuleNames::kept), {}};
    out.binary = write_policy_to_compile(out.model, source.path());
    return out;
}

}  // namespace cipolicy::policy
