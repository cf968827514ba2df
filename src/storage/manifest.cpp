#include "storage/manifest.h"

#include <nlohmann/json.hpp>

#include "common/coding.h"
#include "common/hash.h"

namespace aurora::storage {

namespace {
constexpr char kManifestMagic[8] = {'A', 'U', 'R', 'M', 'A', 'N', '0', '1'};

std::string Hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}
bool Unhex(std::string_view hex, std::string* out) {
  if (hex.size() % 2) return false;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = val(hex[i]), lo = val(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}
}  // namespace

std::string Manifest::PartFileName(uint64_t id) {
  return fmt::format("{:012}.part", id);
}

std::string EncodeManifest(const Manifest& m) {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : m.parts)
    parts.push_back(
        {{"id", p.id}, {"partition", p.partition}, {"level", p.level}, {"rows", p.rows}, {"bytes", p.bytes}});
  nlohmann::json sources = nlohmann::json::object();
  for (const auto& [k, v] : m.sources) sources[k] = Hex(v);
  nlohmann::json j = {{"format", 1},
                      {"version", m.version},
                      {"schema", m.schema.ToJson()},
                      {"next_part_id", m.next_part_id},
                      {"wal_start", m.wal_start},
                      {"parts", parts},
                      {"sources", sources}};
  std::string payload = j.dump();
  std::string out(kManifestMagic, 8);
  BufferWriter w(&out);
  w.PutFixed<uint64_t>(payload.size());
  w.PutFixed<uint64_t>(Hash64(payload));
  out += payload;
  return out;
}

Result<Manifest> DecodeManifest(std::string_view bytes, const std::string& path) {
  if (bytes.size() < 24 || std::memcmp(bytes.data(), kManifestMagic, 8) != 0)
    return AURORA_ERROR(kCorruption, "manifest '{}': bad header", path);
  uint64_t size, sum;
  std::memcpy(&size, bytes.data() + 8, 8);
  std::memcpy(&sum, bytes.data() + 16, 8);
  if (size != bytes.size() - 24) return AURORA_ERROR(kCorruption, "manifest '{}': length mismatch", path);
  std::string_view payload = bytes.substr(24);
  if (Hash64(payload) != sum) return AURORA_ERROR(kCorruption, "manifest '{}': checksum mismatch", path);
  try {
    auto j = nlohmann::json::parse(payload);
    if (j.at("format").get<int>() != 1)
      return AURORA_ERROR(kCorruption, "manifest '{}': unknown format", path);
    Manifest m;
    m.version = j.at("version").get<uint64_t>();
    AURORA_ASSIGN_OR_RETURN(m.schema, TableSchema::FromJson(j.at("schema")));
    m.next_part_id = j.at("next_part_id").get<uint64_t>();
    m.wal_start = j.at("wal_start").get<uint64_t>();
    for (const auto& jp : j.at("parts")) {
      m.parts.push_back({jp.at("id").get<uint64_t>(), jp.at("partition").get<int64_t>(),
                         jp.at("level").get<uint32_t>(), jp.at("rows").get<uint64_t>(),
                         jp.at("bytes").get<uint64_t>()});
    }
    for (const auto& [k, v] : j.at("sources").items()) {
      std::string raw;
      if (!Unhex(v.get<std::string>(), &raw))
        return AURORA_ERROR(kCorruption, "manifest '{}': bad source position", path);
      m.sources[k] = raw;
    }
    return m;
  } catch (const nlohmann::json::exception& e) {
    return AURORA_ERROR(kCorruption, "manifest '{}': {}", path, e.what());
  }
}

Status CommitManifest(FileSystem& fs, const std::string& dir, const Manifest& m) {
  return fs.WriteFileAtomic(JoinPath(dir, "manifest"), EncodeManifest(m));
}

Result<Manifest> LoadManifest(FileSystem& fs, const std::string& dir) {
  std::string path = JoinPath(dir, "manifest");
  AURORA_ASSIGN_OR_RETURN(std::string bytes, fs.ReadFile(path));
  return DecodeManifest(bytes, path);
}

}  // namespace aurora::storage
