#include "policy/compile_order.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <span>
#include <string>

#include "policy/legacy_sort.hpp"
#include "policy/ordinal_ignore_case.hpp"

namespace cipolicy::policy {
namespace {

int compare_optional(const PolicyString& a, const PolicyString& b) {
    if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
    return compare_ordinal_ignore_case(*a, *b);
}

std::vector<std::uint32_t> identity(std::size_t n) {
    std::vector<std::uint32_t> v(n);
    std::iota(v.begin(), v.end(), 0u);
    return v;
}

void remap(std::vector<std::uint32_t>& indices, const std::vector<std::uint32_t>& new_index) {
    for (auto& i : indices)
        if (i < new_index.size()) i = new_index[i];  // out-of-range stays so the writer names it
}

void remap_group(SignerGroup& g, const std::vector<std::uint32_t>& new_index) {
    for (auto& a : g.allowed) remap(a.except_deny_rules, new_index);
    for (auto& d : g.denied) remap(d.except_allow_rules, new_index);
    remap(g.file_rules_ref, new_index);
    std::sort(g.file_rules_ref.begin(), g.file_rules_ref.end());
}

// Moves element i to new_index[i] by following the permutation's cycles: no second vector of
// rules (a block list's rules are most of a compile's memory).
template <class T>
void permute_in_place(std::vector<T>& items, std::vector<std::uint32_t> new_index) {
    for (std::uint32_t i = 0; i < items.size(); ++i)
        while (new_index[i] != i) {
            const std::uint32_t j = new_index[i];
            std::swap(items[i], items[j]);
            std::swap(new_index[i], new_index[j]);
        }
}

int compare_settings(const SecureSetting& a, const SecureSetting& b) {
    for (auto field : {&SecureSetting::provider, &SecureSetting::key, &SecureSetting::value_name})
        if (int c = compare_optional(a.*field, b.*field)) return c;
    return 0;
}

}  // namespace

int compare_file_rules(const FileRule& a, const FileRule& b) {
    if (a.type != b.type) return a.type < b.type ? -1 : 1;
    for (auto field :
         {&FileRule::file_name, &FileRule::internal_name, &FileRule::file_description,
          &FileRule::product_name, &FileRule::package_family_name, &FileRule::file_path})
        if (int c = compare_optional(a.*field, b.*field)) return c;
    if (std::lexicographical_compare(a.hash.begin(), a.hash.end(), b.hash.begin(), b.hash.end()))
        return -1;
    return a.hash == b.hash ? 0 : 1;
}

namespace {

// compare_file_rules as one byte string, so that the sort's comparisons are a memcmp each instead
// of six case-insensitive string comparisons (the sort compares each rule about 2 log2 n times).
// Type as 4 big-endian bytes; then per field a presence byte (absent 0 < present 1) and each
// upper-cased UTF-16 unit as 0x01 and 2 big-endian bytes, closed by 0x00 (so that a prefix sorts
// first, as in the ordinal comparison, even for a U+0000 unit a binary may hold); the hash last,
// raw, where the shorter of two equal prefixes sorts first as well. Appended to `keys`.
void append_sort_key(const FileRule& r, std::string& keys) {
    const PolicyString* fields[] = {&r.file_name,    &r.internal_name,       &r.file_description,
                                    &r.product_name, &r.package_family_name, &r.file_path};
    std::size_t size = 4 + std::size(fields) + r.hash.size();
    for (const auto* field : fields)
        if (*field) size += 3 * (*field)->size() + 1;
    const std::size_t at = keys.size();
    keys.resize(at + size);
    char* out = keys.data() + at;
    const auto type = static_cast<std::uint32_t>(r.type);
    for (int shift = 24; shift >= 0; shift -= 8) *out++ = static_cast<char>(type >> shift);
    for (const auto* field : fields) {
        *out++ = *field ? 1 : 0;
        if (!*field) continue;
        for (const char16_t c : **field) {
            const char16_t u = invariant_upper(c);
            *out++ = 1;
            *out++ = static_cast<char>(u >> 8);
            *out++ = static_cast<char>(u & 0xFF);
        }
        *out++ = 0;
    }
    if (!r.hash.empty()) std::memcpy(out, r.hash.data(), r.hash.size());
}

}  // namespace

std::vector<std::uint32_t> compiled_rule_order(const std::vector<FileRule>& rules) {
    // Every rule's key in one buffer (key i is [start[i], start[i + 1])): one allocation, not one
    // per rule, and the keys side by side for the sort's comparisons.
    std::string keys;
    std::vector<std::size_t> start;
    start.reserve(rules.size() + 1);
    keys.reserve(rules.size() * 48);
    for (const auto& r : rules) {
        start.push_back(keys.size());
        append_sort_key(r, keys);
    }
    start.push_back(keys.size());
    const auto key = [&](std::uint32_t i) {
        return std::string_view(keys.data() + start[i], start[i + 1] - start[i]);
    };
    // Sorting indices runs the same comparisons and swaps as sorting the rules themselves.
    auto order = identity(rules.size());
    legacy_quick_sort(std::span<std::uint32_t>(order), [&](std::uint32_t x, std::uint32_t y) {
        // string_view::compare is unsigned bytewise (char_traits<char> compares as unsigned char).
        const int c = key(x).compare(key(y));
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    });
    return order;
}

void apply_compiler_order(Policy& p) {
    const auto order = compiled_rule_order(p.file_rules);
    std::vector<std::uint32_t> new_index(order.size());
    for (std::uint32_t k = 0; k < order.size(); ++k) new_index[order[k]] = k;
    permute_in_place(p.file_rules, new_index);
    for (auto& s : p.signers) remap(s.file_attrib_refs, new_index);
    for (auto& sc : p.signing_scenarios) {
        remap_group(sc.product_signers, new_index);
        remap_group(sc.test_signers, new_index);
        remap_group(sc.test_signing_signers, new_index);
        for (auto& a : sc.artifact_signers.allowed) remap(a.except_deny_rules, new_index);
        for (auto& d : sc.artifact_signers.denied) remap(d.except_allow_rules, new_index);
        auto& refs = sc.artifact_signers.artifact_rules_ref;
        std::sort(refs.begin(), refs.end());  // as FileRulesRef (AppControl Manager does too)
    }
    // One entry per base rule, in the base rules' compiled order.
    for (auto& h : p.hotpatch) {
        if (h.base < new_index.size()) h.base = new_index[h.base];
        if (h.target < new_index.size()) h.target = new_index[h.target];
    }
    std::sort(
        p.hotpatch.begin(), p.hotpatch.end(),
        [](const HotpatchRequirement& a, const HotpatchRequirement& b) { return a.base < b.base; });
    // A stable sort: settings that tie keep document order.
    std::stable_sort(
        p.settings.begin(), p.settings.end(),
        [](const SecureSetting& a, const SecureSetting& b) { return compare_settings(a, b) < 0; });
}

std::vector<std::uint32_t> document_order_for(const std::vector<FileRule>& rules) {
    for (std::size_t i = 1; i < rules.size(); ++i)
        if (compare_file_rules(rules[i - 1], rules[i]) > 0) return {};
    // The sort's moves depend only on comparison results. Permuting tied rules among themselves
    // leaves every comparison unchanged, so the sort applies the same permutation `pi` to any such
    // arrangement; listing rule k at position pi[k] therefore sorts back into k.
    const auto pi = compiled_rule_order(rules);
    std::vector<std::uint32_t> document(rules.size());
    for (std::uint32_t k = 0; k < pi.size(); ++k) document[pi[k]] = k;
    return document;
}

}  // namespace cipolicy::policy
