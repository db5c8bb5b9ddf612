#pragma once
// A logged-in session on the one token a URI names, and the object calls the signer needs.

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.hpp"
#include "crypto/key_material.hpp"
#include "pkcs11/module.hpp"
#include "pkcs11/token_uri.hpp"

namespace cipolicy::pkcs11 {

class Session {
  public:
    // Finds the token (Error(key) when none or several match, listing the tokens present),
    // opens a session and logs in with `pin` when the token requires it: Error(usage) without a
    // PIN (naming `pin_hint`), Error(key) for a wrong PIN or a locked token.
    Session(Module& module, const TokenUri& uri, const crypto::Secret& pin,
            const std::string& pin_hint);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // Objects of `cls` that have all of `attributes` (at most a few; a token holds tens).
    std::vector<CK_OBJECT_HANDLE> find(CK_OBJECT_CLASS cls,
                                       const std::vector<CK_ATTRIBUTE>& attributes);
    // An attribute's value; nullopt when the object does not have it or hides it.
    std::optional<Bytes> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
    // C_Sign with `mechanism` over `data`; a key with CKA_ALWAYS_AUTHENTICATE (PIV signature
    // keys) gets the PIN again for this one operation. Throws Error(key).
    Bytes sign(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mechanism, ByteView data,
               std::size_t max_size, bool always_authenticate, const crypto::Secret& pin);

    const std::string& token_label() const { return label_; }

  private:
    void login(CK_USER_TYPE user, const crypto::Secret& pin);

    CK_FUNCTION_LIST& f_;
    CK_SLOT_ID slot_ = 0;
    CK_SESSION_HANDLE handle_ = CK_INVALID_HANDLE;
    bool logged_in_ = false;
    std::string label_;
};

}  // namespace cipolicy::pkcs11
