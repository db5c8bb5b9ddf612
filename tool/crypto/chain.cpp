#include "crypto/chain.hpp"

#include <openssl/x509_vfy.h>

namespace cipolicy::crypto {

std::vector<Certificate> order_chain(const Certificate& leaf,
                                     const std::vector<Certificate>& pool) {
    std::vector<Certificate> chain{leaf};
    std::vector<bool> used(pool.size(), false);
    while (!chain.back().is_self_issued() && chain.size() <= pool.size()) {
        const Certificate& current = chain.back();
        bool found = false;
        for (std::size_t i = 0; i < pool.size(); ++i) {
            if (used[i] || pool[i].der() == current.der()) continue;
            if (X509_check_issued(pool[i].get(), current.get()) == X509_V_OK) {
                used[i] = true;
                chain.push_back(pool[i]);
                found = true;
                break;
            }
        }
        if (!found) break;
    }
    return chain;
}

std::vector<Certificate> self_issued(const std::vector<Certificate>& chain) {
    std::vector<Certificate> roots;
    for (const auto& c : chain)
        if (c.is_self_issued()) roots.push_back(c);
    return roots;
}

std::vector<Certificate> without_root(const std::vector<Certificate>& chain) {
    std::vector<Certificate> out;
    for (std::size_t i = 0; i < chain.size(); ++i)
        if (i == 0 || !chain[i].is_self_issued()) out.push_back(chain[i]);
    return out;
}

std::optional<std::string> check_path(const Certificate& leaf,
                                      const std::vector<Certificate>& intermediates,
                                      const std::vector<Certificate>& roots) {
    ossl::StorePtr store(X509_STORE_new());
    for (const auto& r : roots) X509_STORE_add_cert(store.get(), r.get());
    ossl::X509StackPtr untrusted(sk_X509_new_null());
    for (const auto& c : intermediates) {
        X509_up_ref(c.get());
        sk_X509_push(untrusted.get(), c.get());
    }
    ossl::StoreCtxPtr ctx(X509_STORE_CTX_new());
    X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get());
    X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN);
    // Any purpose: Windows checks the policy's EKU rules itself (see verify).
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_ANY);
    if (X509_verify_cert(ctx.get()) == 1) return std::nullopt;
    int err = X509_STORE_CTX_get_error(ctx.get());
    return std::string(X509_verify_cert_error_string(err));
}

}  // namespace cipolicy::crypto
