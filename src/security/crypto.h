// The cryptography users, passwords and tokens need, all from OpenSSL's libcrypto: random bytes,
// SHA-256, HMAC-SHA256, PBKDF2-HMAC-SHA256 and constant-time comparison.
//
// Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace aurora::security {

// `n` bytes from the operating system's CSPRNG (RAND_bytes). Fails only if OpenSSL cannot seed.
Result<std::string> RandomBytes(size_t n);
// `n` characters of [0-9A-Za-z], uniformly distributed (rejection sampling over RandomBytes).
Result<std::string> RandomBase62(size_t n);

std::string Sha256(std::string_view data);                            // 32 bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 bytes
// PBKDF2-HMAC-SHA256 of `password` with `salt`, `iterations` rounds, 32 bytes of output.
std::string Pbkdf2Sha256(std::string_view password, std::string_view salt, uint32_t iterations);

// Compares in time that depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

std::string ToHex(std::string_view bytes);

}  // namespace aurora::security
