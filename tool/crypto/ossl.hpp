#pragma once
// Owning handles for the OpenSSL objects cipolicy uses, so nothing is freed by hand.

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string>

#include "asn1/der.hpp"
#include "core/bytes.hpp"
#include "core/handle.hpp"

namespace cipolicy::crypto::ossl {

using X509Ptr = Handle<X509, X509_free>;
using PkeyPtr = Handle<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = Handle<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdCtxPtr = Handle<EVP_MD_CTX, EVP_MD_CTX_free>;
using BioPtr = Handle<BIO, BIO_free_all>;
using Pkcs12Ptr = Handle<PKCS12, PKCS12_free>;
using StorePtr = Handle<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = Handle<X509_STORE_CTX, X509_STORE_CTX_free>;
using Asn1ObjectPtr = Handle<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1IntegerPtr = Handle<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1TimePtr = Handle<ASN1_TIME, ASN1_TIME_free>;
using ExtKeyUsagePtr = Handle<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>;
using X509NamePtr = Handle<X509_NAME, X509_NAME_free>;
using DecoderCtxPtr = Handle<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free>;
using X509ExtensionPtr = Handle<X509_EXTENSION, X509_EXTENSION_free>;

using Pkcs7Ptr = Handle<PKCS7, PKCS7_free>;
using BignumPtr = Handle<BIGNUM, BN_free>;

// A stack owns its certificates too (sk_X509_pop_free is a macro, so it needs a function).
void free_x509_stack(STACK_OF(X509) * stack) noexcept;
using X509StackPtr = Handle<STACK_OF(X509), free_x509_stack>;

// The oldest queued OpenSSL error as text (and clears the queue), or `fallback` when none.
std::string last_error(const std::string& fallback = "unknown OpenSSL error");

// Loads OpenSSL's legacy provider (RC2, RC4, DES, ...) beside the default one, once per process.
// Returns an empty string on success, otherwise why it could not be loaded.
std::string load_legacy_provider();

// A memory BIO reading `size` bytes at `data` (not copied: keep the buffer alive).
BioPtr memory_bio(const void* data, std::size_t size);

using asn1::to_der;  // DER of any i2d-able object (defined below crypto/, in asn1/)

}  // namespace cipolicy::crypto::ossl
