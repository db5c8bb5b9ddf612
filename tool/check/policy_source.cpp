#include "check/policy_source.hpp"

#include "cms/file_kind.hpp"
#include "cms/policy_file.hpp"
#include "core/bounded_read.hpp"
#include "policy/xml_reader.hpp"
#include "policy/xml_source.hpp"

namespace cipolicy::check {

PolicySource load_policy(const std::string& path) {
    PolicySource s;
    s.path = path;
    const Bytes head = read_bounded(path, kMaxPolicyBytes, "policy");
    if (cms::looks_like_xml(head)) {
        const policy::XmlSource source(path, std::string(head.begin(), head.end()));
        s.policy = policy::read_policy_xml(source);
        s.has_xml_ids = true;
    } else {
        s.policy = cms::read_policy_or_signed(path).policy;
    }
    return s;
}

}  // namespace cipolicy::check
