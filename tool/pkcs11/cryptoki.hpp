#pragma once
// The PKCS#11 (Cryptoki) types, constants and function list, from p11-kit's pkcs11.h used as a
// header only (CMake copies that one file into the build tree; nothing of p11-kit is linked).
// Every file that touches a Cryptoki structure includes this header and no other pkcs11.h.
//
// On Windows, Cryptoki structures are packed to 1 byte (PKCS#11 v2.40 section 2.1): a module
// built by a vendor with MSVC reads CK_ATTRIBUTE, CK_TOKEN_INFO, ... with no padding, so the
// caller must lay them out the same way. p11-kit's header packs on _WIN32 itself; the explicit
// push/pop keeps that true for any other pkcs11.h given with CIPOLICY_PKCS11_INCLUDE_DIR, and
// the static_assert below proves it at compile time.

#ifdef _WIN32
#pragma pack(push, cryptoki, 1)
#endif
#include <p11-kit/pkcs11.h>
#ifdef _WIN32
#pragma pack(pop, cryptoki)
#endif

#ifdef _WIN32
// CK_ULONG is 32-bit on Windows: {type, pointer, length} is 16 bytes packed, 24 with padding.
static_assert(sizeof(CK_ATTRIBUTE) == 2 * sizeof(CK_ULONG) + sizeof(void*),
              "PKCS#11 structures must be packed to 1 byte on Windows");
#endif
