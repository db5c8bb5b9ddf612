#include "policy/xml_wellformed.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <unordered_set>
#include <vector>

#include "core/quote.hpp"
#include "core/utf8.hpp"

namespace cipolicy::policy {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The ASCII characters of XML names (others send a tag to the general reading).
bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == ':' || c == '.' || c == '-';
}

// Whether sixteen bytes are all printable ASCII, tab, line feed or carriage return: nearly all of a
// policy, line ends included, is judged sixteen bytes a step.
bool sixteen_allowed(const char* p) {
#if defined(__GNUC__)
    // Vector compares (SSE2, NEON): as signed bytes, 0x80 and above are negative, so "below
    // 0x20" also catches every byte that is not ASCII.
    typedef signed char Bytes16 __attribute__((vector_size(16)));
    Bytes16 v;
    std::memcpy(&v, p, 16);
    const Bytes16 bad = (v < 0x20) & (v != '\t') & (v != '\n') & (v != '\r');
    std::uint64_t w[2];
    std::memcpy(w, &bad, 16);
    return (w[0] | w[1]) == 0;
#else
    // Two words: no byte has its top bit set and none is below 0x20 (the classic "has a byte
    // less than n" test); a block with a line end is then judged a byte at a time.
    constexpr std::uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    const auto not_printable = [](std::uint64_t w) { return w | ((w - 0x20 * ones) & ~w); };
    std::uint64_t w[2];
    std::memcpy(w, p, 16);
    return ((not_printable(w[0]) | not_printable(w[1])) & highs) == 0;
#endif
}

}  // namespace

std::optional<WellFormedError> find_bad_characters(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        if (i + 16 <= text.size() && sixteen_allowed(text.data() + i)) {
            i += 16;
            continue;
        }
        // Then one byte at a time, the three allowed controls without the decoder's call.
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c >= 0x20 && c < 0x80) || c == '\n' || c == '\r' || c == '\t') {
            ++i;
            continue;
        }
        char32_t cp = 0;
        const std::size_t n = decode_utf8(text, i, cp);
        if (n == 0) return WellFormedError{i, "invalid UTF-8"};
        if (!is_xml_char(cp)) return WellFormedError{i, "a control character XML does not allow"};
        i += n;
    }
    // Character references must name allowed characters too: "&#27;" would put an ESC into a
    // value, "&#0;" a NUL. (A "&#" inside a comment or CDATA section is checked as well; no
    // policy has one.)
    // memchr for '&' rather than find("&#"), which steps through the text a byte at a time.
    for (std::size_t at = text.find('&'); at != std::string_view::npos;
         at = text.find('&', at + 1)) {
        if (at + 1 >= text.size() || text[at + 1] != '#') continue;
        const bool hex = at + 2 < text.size() && text[at + 2] == 'x';
        std::uint32_t cp = 0;
        std::size_t k = at + (hex ? 3 : 2);
        for (; k < text.size() && text[k] != ';' && cp <= 0x10FFFF; ++k) {
            const char c = text[k];
            const int digit = c >= '0' && c <= '9'          ? c - '0'
                              : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                              : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                            : -1;
            if (digit < 0) break;
            cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
        }
        const bool out_of_range = cp > 0x10FFFF;  // the loop stopped before the digits did
        if (!out_of_range && (k >= text.size() || text[k] != ';'))
            continue;  // not a reference; pugixml has judged the syntax
        if (out_of_range || !is_xml_char(cp))
            return WellFormedError{at, "a character reference to a character XML does not allow"};
    }
    return std::nullopt;
}

namespace {

class Scanner {
  public:
    explicit Scanner(std::string_view text) : t_(text) {}

    std::optional<WellFormedError> run() {
        // The XML declaration, if any, is the very first thing (not even whitespace before it).
        if (starts_declaration(0) && !skip_past("<?xml", "?>"))
            return fail("unterminated XML declaration");
        if (auto e = misc(true)) return e;
        if (at_ >= t_.size() || t_[at_] != '<') return fail("no root element");
        if (auto e = root()) return e;
        return misc(false);
    }

  private:
    std::optional<WellFormedError> fail(std::string problem) const {
        return WellFormedError{std::min(at_, t_.size()), std::move(problem)};
    }
    bool starts(std::string_view s) const { return t_.substr(at_, s.size()) == s; }
    bool starts_declaration(std::size_t at) const {
        return t_.substr(at, 5) == "<?xml" && at + 5 < t_.size() &&
               (is_space(t_[at + 5]) || t_[at + 5] == '?');
    }
    // Past the `end` of the markup at at_, searched for after its `opener` (as pugixml does:
    // "<!--->" does not close the comment it opens).
    bool skip_past(std::string_view opener, std::string_view end) {
        const auto found = t_.find(end, std::min(at_ + opener.size(), t_.size()));
        if (found == std::string_view::npos) return false;
        at_ = found + end.size();
        return true;
    }

    // Comments, processing instructions and whitespace: all that may stand outside the root
    // element; before it also one DOCTYPE.
    std::optional<WellFormedError> misc(bool prolog) {
        for (;;) {
            while (at_ < t_.size() && is_space(t_[at_])) ++at_;
            if (at_ >= t_.size()) return std::nullopt;
            if (starts("<!--")) {
                if (!skip_past("<!--", "-->")) return fail("unterminated comment");
            } else if (starts_declaration(at_)) {
                return fail(
                    "an XML declaration that does not start the document (only one is "
                    "allowed, before anything else)");
            } else if (starts("<?")) {
                if (!skip_past("<?", "?>")) return fail("unterminated processing instruction");
            } else if (prolog && starts("<!DOCTYPE")) {
                if (auto e = doctype()) return e;
            } else if (prolog && starts("<")) {
                return std::nullopt;  // the root element
            } else {
                return fail(prolog           ? "text before the root element"
                            : t_[at_] == '<' ? "a second root element"
                                             : "text after the end of the root element");
            }
        }
    }

    std::optional<WellFormedError> doctype() {
        // Quoted strings and an internal subset in brackets may hold '>'.
        int brackets = 0;
        for (++at_; at_ < t_.size(); ++at_) {
            const char c = t_[at_];
            if (c == '"' || c == '\'') {
                const auto close = t_.find(c, at_ + 1);
                if (close == std::string_view::npos) break;
                at_ = close;
            } else if (c == '[') {
                ++brackets;
            } else if (c == ']') {
                --brackets;
            } else if (c == '>' && brackets <= 0) {
                ++at_;
                return std::nullopt;
            }
        }
        return fail("unterminated DOCTYPE");
    }

    // Finds the end of the root element by counting start and end tags; pugixml has already
    // checked that they match, so only where it ends matters here.
    std::optional<WellFormedError> root() {
        long depth = 0;
        do {
            const auto lt = t_.find('<', at_);
            if (lt == std::string_view::npos) return fail("the root element is not closed");
            at_ = lt;
            // The character after '<' tells the kinds apart: nearly every tag is a start or an
            // end tag, which then needs no string comparison at all.
            const char next = lt + 1 < t_.size() ? t_[lt + 1] : '\0';
            if (next == '!' && starts("<!--")) {
                if (!skip_past("<!--", "-->")) return fail("unterminated comment");
            } else if (next == '!' && starts("<![CDATA[")) {
                if (!skip_past("<![CDATA[", "]]>")) return fail("unterminated CDATA section");
            } else if (next == '?' && starts_declaration(at_)) {
                return fail("an XML declaration inside the document");
            } else if (next == '?') {
                if (!skip_past("<?", "?>")) return fail("unterminated processing instruction");
            } else if (next == '/') {
                if (!skip_past("</", ">")) return fail("unterminated end tag");
                --depth;
            } else {
                if (auto e = start_tag(depth)) return e;
            }
        } while (depth > 0);
        return std::nullopt;
    }

    std::optional<WellFormedError> start_tag(long& depth) {
        ++at_;
        const std::size_t element = at_;  // the name, where pugixml's offset_debug points
        bool simple = true;
        auto result = simple_start_tag(element, depth, simple);
        if (simple) return result;
        // Any other shape: jumps from quote to quote with memchr, and takes each attribute's
        // name from before its '=' (pugixml judges the syntax).
        at_ = element;
        names_.clear();
        if (!many_.empty()) many_.clear();
        // The first '>' from at_ on; found again only when a quoted value has passed it.
        std::size_t gt = std::min(t_.find('>', at_), t_.size());
        for (;;) {
            if (gt < at_) gt = std::min(t_.find('>', at_), t_.size());
            const std::size_t quote = first_quote(at_, gt);
            if (quote == gt) {
                at_ = gt;
                if (gt == t_.size()) break;
                if (t_[gt - 1] != '/') ++depth;
                ++at_;
                return std::nullopt;
            }
            if (auto e = attribute_name(element, quote)) return e;
            at_ = quote;
            const auto close = t_.find(t_[quote], quote + 1);
            if (close == std::string_view::npos) break;
            if (std::memchr(t_.data() + quote, '<', close - quote))
                return fail("'<' in an attribute value (write &lt;)");
            at_ = close + 1;
        }
        return fail("unterminated start tag");
    }

    // The shape of nearly every start tag, read forward in one pass (no name is found twice):
    // name (blanks name blanks? '=' blanks? quoted-value)* blanks? ("/>" | ">"), the names of
    // ASCII letters, digits and "_:.-". For anything else it sets `simple` false, and start_tag()
    // reads the tag again the general way, which gives the same answer for these shapes.
    std::optional<WellFormedError> simple_start_tag(std::size_t element, long& depth,
                                                    bool& simple) {
        const char* const s = t_.data();
        const std::size_t n = t_.size();
        names_.clear();
        if (!many_.empty()) many_.clear();
        std::size_t i = element;
        while (i < n && is_name_char(s[i])) ++i;
        if (i == element) {
            simple = false;
            return std::nullopt;
        }
        for (;;) {
            const std::size_t blank = i;
            while (i < n && is_space(s[i])) ++i;
            if (i + 1 < n && (s[i] == '>' || (s[i] == '/' && s[i + 1] == '>'))) {
                if (s[i] == '>') ++depth;
                at_ = i + (s[i] == '>' ? 1 : 2);
                return std::nullopt;
            }
            // Attributes are separated from the element's name and from each other by blanks.
            if (i == blank) break;
            const std::size_t name = i;
            while (i < n && is_name_char(s[i])) ++i;
            const std::size_t name_end = i;
            while (i < n && is_space(s[i])) ++i;
            if (name == name_end || i >= n || s[i] != '=') break;
            ++i;
            while (i < n && is_space(s[i])) ++i;
            if (i >= n || (s[i] != '"' && s[i] != '\'')) break;
            const std::size_t quote = i;
            const void* close = std::memchr(s + quote + 1, s[quote], n - quote - 1);
            if (!close) break;
            if (auto e = record_name(element, t_.substr(name, name_end - name))) return e;
            const std::size_t end = static_cast<const char*>(close) - s;
            if (std::memchr(s + quote, '<', end - quote)) {
                at_ = quote;
                return fail("'<' in an attribute value (write &lt;)");
            }
            i = end + 1;
        }
        simple = false;
        return std::nullopt;
    }

    // The name of the attribute whose value opens at `quote` ("name = 'value'": pugixml has
    // judged that syntax), refused when the element already has one of that name.
    std::optional<WellFormedError> attribute_name(std::size_t element, std::size_t quote) {
        std::size_t end = quote;
        while (end > element && is_space(t_[end - 1])) --end;
        if (end == element || t_[end - 1] != '=') return std::nullopt;
        --end;
        while (end > element && is_space(t_[end - 1])) --end;
        std::size_t start = end;
        while (start > element && !is_space(t_[start - 1]) && t_[start - 1] != '"' &&
               t_[start - 1] != '\'')
            --start;
        return record_name(element, t_.substr(start, end - start));
    }

    // Notes an attribute's name, refused when the element already has one of that name.
    std::optional<WellFormedError> record_name(std::size_t element, std::string_view name) {
        // Pairwise for the handful of attributes an element has; a set beyond that, so that a
        // hostile element cannot make the check quadratic.
        constexpr std::size_t kPairwise = 16;
        bool twice = false;
        if (names_.size() < kPairwise) {
            twice = std::find(names_.begin(), names_.end(), name) != names_.end();
            names_.push_back(name);
        } else {
            if (many_.empty()) many_.insert(names_.begin(), names_.end());
            twice = !many_.insert(name).second;
        }
        if (!twice) return std::nullopt;
        return WellFormedError{element, "the attribute " + escaped(name) + " is given twice"};
    }

    // The first '"' or '\'' in [from, to), or `to`.
    std::size_t first_quote(std::size_t from, std::size_t to) const {
        const char* base = t_.data();
        const void* dq = std::memchr(base + from, '"', to - from);
        const std::size_t end = dq ? static_cast<const char*>(dq) - base : to;
        const void* sq = std::memchr(base + from, '\'', end - from);
        return sq ? static_cast<const char*>(sq) - base : end;
    }

    std::string_view t_;
    std::size_t at_ = 0;
    std::vector<std::string_view> names_;        // of the current start tag's attributes
    std::unordered_set<std::string_view> many_;  // the same, for a tag with very many
};

}  // namespace

std::optional<WellFormedError> find_not_well_formed(std::string_view text) {
    if (auto e = find_bad_characters(text)) return e;
    return Scanner(text).run();
}

}  // namespace cipolicy::policy
