#pragma once
// Owning handles for C library objects (OpenSSL, libcurl): a unique_ptr whose deleter calls the
// library's own free function, so nothing is freed by hand and every error path releases.
//   using X509Ptr = Handle<X509, X509_free>;

#include <memory>

namespace cipolicy {

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* p) const noexcept {
        Free(p);  // unique_ptr never calls its deleter with null
    }
};

template <typename T, auto Free>
using Handle = std::unique_ptr<T, Deleter<Free>>;

}  // namespace cipolicy
