#pragma once
// One loaded and initialized PKCS#11 module (through p11-kit), and the names of return values.

#include <p11-kit/p11-kit.h>
#include <p11-kit/pkcs11.h>

#include <filesystem>
#include <string>

namespace cipolicy::pkcs11 {

class Module {
  public:
    // Throws Error(input) naming the module when it is missing, not a PKCS#11 module, or fails
    // to initialize.
    explicit Module(const std::filesystem::path& path);
    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    CK_FUNCTION_LIST& functions() { return *functions_; }
    const std::string& name() const { return name_; }

  private:
    CK_FUNCTION_LIST* functions_ = nullptr;
    std::string name_;
};

// "CKR_PIN_INCORRECT" for the values users meet, else "CKR 0x...".
std::string rv_name(CK_RV rv);
// rv_name and p11-kit's description: "CKR_PIN_INCORRECT (The PIN is incorrect)".
std::string rv_text(CK_RV rv);

// A fixed-width, space-padded PKCS#11 text field (a token label) as a string.
std::string padded_text(const unsigned char* text, std::size_t size);

}  // namespace cipolicy::pkcs11
