// Windows (MinGW) only: makes the C runtime's narrow <-> wide character conversion UTF-8.
//
// libstdc++ converts a std::string to a std::filesystem::path (and back) with mbrtowc/wcrtomb,
// which msvcrt.dll implements for the "C" locale only, byte by byte, and for no UTF-8 locale: a
// UTF-8 file name would name the wrong file. cipolicy's strings are UTF-8 everywhere (the command
// line is read as UTF-16 and converted, the manifest sets the UTF-8 code page), so these two
// definitions, linked into the executable before the C runtime, give libstdc++ UTF-8 <-> UTF-16.
// Their siblings (mbrlen, mbsrtowcs, wcsrtombs) are defined too: the runtime keeps each group in
// one object, which would otherwise be linked in beside these and clash.
// Characters outside the Basic Multilingual Plane would need two UTF-16 units per call, which
// this interface cannot return; they are reported as conversion errors rather than misnamed.
#if defined(_WIN32) && defined(__MINGW32__)
#include <cerrno>
#include <cstddef>
#include <cwchar>

extern "C" std::size_t mbrtowc(wchar_t* out, const char* in, std::size_t n, std::mbstate_t*) {
    if (!in) return 0;
    if (n == 0) return static_cast<std::size_t>(-2);
    const auto* s = reinterpret_cast<const unsigned char*>(in);
    unsigned c = s[0];
    std::size_t len;
    unsigned min;
    if (c < 0x80) {
        if (out) *out = static_cast<wchar_t>(c);
        return c == 0 ? 0 : 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, min = 0x80, c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, min = 0x800, c &= 0x0F;
    } else {
        errno = EILSEQ;  // a stray continuation byte, a 4-byte (non-BMP) or an invalid lead byte
        return static_cast<std::size_t>(-1);
    }
    for (std::size_t i = 1; i < len; ++i) {
        if (i >= n) return static_cast<std::size_t>(-2);
        if ((s[i] & 0xC0) != 0x80) {
            errno = EILSEQ;
            return static_cast<std::size_t>(-1);
        }
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || (c >= 0xD800 && c <= 0xDFFF)) {  // overlong, or an encoded surrogate
        errno = EILSEQ;
        return static_cast<std::size_t>(-1);
    }
    if (out) *out = static_cast<wchar_t>(c);
    return len;
}

extern "C" std::size_t wcrtomb(char* out, wchar_t wc, std::mbstate_t*) {
    char scratch[4];
    if (!out) out = scratch;
    const unsigned c = static_cast<unsigned>(wc) & 0xFFFF;
    if (c < 0x80) {
        out[0] = static_cast<char>(c);
        return 1;
    }
    if (c < 0x800) {
        out[0] = static_cast<char>(0xC0 | (c >> 6));
        out[1] = static_cast<char>(0x80 | (c & 0x3F));
        return 2;
    }
    if (c >= 0xD800 && c <= 0xDFFF) {
        errno = EILSEQ;
        return static_cast<std::size_t>(-1);
    }
    out[0] = static_cast<char>(0xE0 | (c >> 12));
    out[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (c & 0x3F));
    return 3;
}

extern "C" std::size_t mbrlen(const char* in, std::size_t n, std::mbstate_t* state) {
    return mbrtowc(nullptr, in, n, state);
}

extern "C" std::size_t mbsrtowcs(wchar_t* out, const char** in, std::size_t len,
                                 std::mbstate_t* state) {
    const char* s = *in;
    std::size_t count = 0;
    for (;;) {
        if (out && count == len) break;
        wchar_t wc = 0;  // set by mbrtowc on success; GCC cannot see through it
        std::size_t n = mbrtowc(&wc, s, 4, state);
        if (n == static_cast<std::size_t>(-1) || n == static_cast<std::size_t>(-2)) {
            errno = EILSEQ;
            *in = s;
            return static_cast<std::size_t>(-1);
        }
        if (out) out[count] = wc;
        if (n == 0) {
            if (out) *in = nullptr;
            return count;
        }
        s += n;
        ++count;
    }
    *in = s;
    return count;
}

extern "C" std::size_t wcsrtombs(char* out, const wchar_t** in, std::size_t len,
                                 std::mbstate_t* state) {
    const wchar_t* s = *in;
    std::size_t count = 0;
    for (;; ++s) {
        char buf[4];
        std::size_t n = wcrtomb(buf, *s, state);
        if (n == static_cast<std::size_t>(-1)) {
            *in = s;
            return n;
        }
        if (out && count + n > len) break;
        if (out)
            for (std::size_t i = 0; i < n; ++i) out[count + i] = buf[i];
        if (*s == L'\0') {
            if (out) *in = nullptr;
            return count;
        }
        count += n;
    }
    *in = s;
    return count;
}
#endif
