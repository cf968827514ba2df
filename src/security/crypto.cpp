#include "security/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

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

namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CipherContext {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~CipherContext() { EVP_CIPHER_CTX_free(ctx); }
};

unsigned char* Bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}
const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Result<std::string> Seal(std::string_view key, std::string_view plaintext, std::string_view context) {
  if (key.size() != 32)
    return AURORA_ERROR(kInvalidArgument, "an AES-256 key has 32 bytes, not {}", key.size());
  AURORA_ASSIGN_OR_RETURN(std::string out, RandomBytes(kNonceBytes));
  out.resize(kNonceBytes + plaintext.size() + kTagBytes);
  CipherContext c;
  int len = 0;
  if (!c.ctx || EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(out)) != 1 ||
      EVP_EncryptUpdate(c.ctx, nullptr, &len, Bytes(context), static_cast<int>(context.size())) != 1 ||
      EVP_EncryptUpdate(c.ctx, Bytes(out) + kNonceBytes, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(c.ctx, Bytes(out) + kNonceBytes + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          Bytes(out) + kNonceBytes + plaintext.size()) != 1)
    return AURORA_ERROR(kInternal, "AES-256-GCM encryption failed");
  return out;
}

Result<std::string> Open(std::string_view key, std::string_view sealed, std::string_view context) {
  if (key.size() != 32)
    return AURORA_ERROR(kInvalidArgument, "an AES-256 key has 32 bytes, not {}", key.size());
  if (sealed.size() < kNonceBytes + kTagBytes)
    return AURORA_ERROR(kCorruption, "a sealed secret of {} bytes is too short", sealed.size());
  const size_t n = sealed.size() - kNonceBytes - kTagBytes;
  std::string out(n, '\0');
  std::string tag(sealed.substr(kNonceBytes + n));
  CipherContext c;
  int len = 0;
  if (!c.ctx || EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(sealed)) != 1 ||
      EVP_DecryptUpdate(c.ctx, nullptr, &len, Bytes(context), static_cast<int>(context.size())) != 1 ||
      EVP_DecryptUpdate(c.ctx, Bytes(out), &len, Bytes(sealed) + kNonceBytes, static_cast<int>(n)) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, Bytes(tag)) != 1 ||
      EVP_DecryptFinal_ex(c.ctx, Bytes(out) + len, &len) != 1)
    return AURORA_ERROR(kCorruption,
                        "a sealed secret does not open with this data directory's key (changed, "
                        "or sealed under another key)");
  return out;
}

Result<std::string> LoadOrCreateKeyFile(const std::string& path, size_t bytes) {
  auto read = [&]() -> Result<std::string> {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return AURORA_ERROR(kNotFound, "{}: {}", path, std::strerror(errno));
    std::string key(bytes + 1, '\0');
    const ssize_t n = ::read(fd, key.data(), key.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(bytes))
      return AURORA_ERROR(kCorruption, "key file {} holds {} bytes, expected {}", path, n, bytes);
    key.resize(bytes);
    return key;
  };
  if (auto key = read(); key.ok() || key.status().code() != ErrorCode::kNotFound) return key;
  AURORA_ASSIGN_OR_RETURN(std::string key, RandomBytes(bytes));
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return AURORA_ERROR(kIoError, "creating {}: {}", tmp, std::strerror(errno));
  const bool written =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return AURORA_ERROR(kIoError, "writing {}: {}", tmp, std::strerror(errno));
  }
  // link() fails when the file exists: another process made the key first, and that one counts.
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked != 0 && link_errno != EEXIST)
    return AURORA_ERROR(kIoError, "creating {}: {}", path, std::strerror(link_errno));
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || ::fsync(dfd) != 0) {
    if (dfd >= 0) ::close(dfd);
    return AURORA_ERROR(kIoError, "syncing directory of {}: {}", path, std::strerror(errno));
  }
  ::close(dfd);
  return read();
}

}  // namespace aurora::security
