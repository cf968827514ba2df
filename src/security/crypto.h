// The cryptography users, passwords, tokens and stored secrets need, all from OpenSSL's libcrypto: random
// bytes, SHA-256, HMAC-SHA256, PBKDF2-HMAC-SHA256, constant-time comparison, and AES-256-GCM for secrets
// kept at rest (e.g. a Kafka source's SASL password) under a key file of the data directory.
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

// AES-256-GCM with a 32-byte `key`: a random 12-byte nonce, then the ciphertext, then the 16-byte tag.
// `context` (e.g. what the secret belongs to) is authenticated but not stored: a sealed value only opens
// with the same context, so it cannot be moved to another record.
Result<std::string> Seal(std::string_view key, std::string_view plaintext, std::string_view context);
// kCorruption when `sealed` was not made by Seal with this key and context, or was changed.
Result<std::string> Open(std::string_view key, std::string_view sealed, std::string_view context);

// The key in file `path` (`bytes` random bytes), created on first use with mode 0600: written to a
// temporary file, fsynced, then linked into place (so two processes never make two keys) and the directory
// fsynced. kCorruption when the file exists with another size.
Result<std::string> LoadOrCreateKeyFile(const std::string& path, size_t bytes);

}  // namespace aurora::security
