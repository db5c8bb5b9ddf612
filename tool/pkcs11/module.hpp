#pragma once
// One loaded and initialized PKCS#11 module (the vendor's library, loaded by platform/ with
// dlopen or LoadLibrary), and the names of return values.

#include <filesystem>
#include <string>

#include "pkcs11/cryptoki.hpp"

namespace cipolicy::pkcs11 {

class Module {
  public:
    // Loads the module, takes its C_GetFunctionList and calls C_Initialize (the OS's locking).
    // Throws Error: usage without a path; input naming the module when it is missing, cannot be
    // loaded, is not a PKCS#11 module, or fails to initialize.
    explicit Module(const std::filesystem::path& path);
    // C_Finalize. The library itself stays loaded until the process ends (as platform/ keeps
    // every library): some modules leave threads behind that must not lose their code.
    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    CK_FUNCTION_LIST& functions() { return *functions_; }
    const std::string& name() const { return name_; }

  private:
    CK_FUNCTION_LIST* functions_ = nullptr;
    bool finalize_ = false;  // false when another user in this process initialized it first
    std::string name_;
};

// "CKR_PIN_INCORRECT" for the values users meet, else "CKR 0x...".
std::string rv_name(CK_RV rv);
// rv_name and what it means: "CKR_PIN_INCORRECT (the PIN is incorrect)".
std::string rv_text(CK_RV rv);

// A fixed-width, space-padded PKCS#11 text field (a token label) as a string.
std::string padded_text(const unsigned char* text, std::size_t size);

}  // namespace cipolicy::pkcs11
