#include "security/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "common/check.h"

namespace aurora::security {

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    return AURORA_ERROR(kInternal, "the random number generator failed (RAND_bytes)");
  return out;
}

Result<std::string> RandomBase62(size_t n) {
  static constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    AURORA_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(n));
    for (unsigned char b : bytes) {
      if (b >= 248) continue;  // 248 = 4 * 62: keep the draw uniform
      out += kAlphabet[b % 62];
      if (out.size() == n) break;
    }
  }
  return out;
}

std::string Sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       reinterpret_cast<unsigned char*>(out.data()), &len);
  out.resize(len);
  return out;
}

std::string Pbkdf2Sha256(std::string_view password, std::string_view salt, uint32_t iterations) {
  std::string out(32, '\0');
  const int ok = PKCS5_PBKDF2_HMAC(
      password.data(), static_cast<int>(password.size()), reinterpret_cast<const unsigned char*>(salt.data()),
      static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(), static_cast<int>(out.size()),
      reinterpret_cast<unsigned char*>(out.data()));
  AURORA_CHECK_MSG(ok == 1, "PKCS5_PBKDF2_HMAC failed");
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

}  // namespace aurora::security
