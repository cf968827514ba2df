#include "sources/event_generator.h"

#include <algorithm>
#include <cmath>

#include <absl/time/time.h>
#include <fmt/format.h>

#include "common/check.h"

namespace aurora::sources {

namespace {

struct Category {
  const char* name;
  std::vector<const char*> brands;
  double lo, hi;
};
const std::vector<Category>& Categories() {
  static const std::vector<Category> k = {
      {"electronics", {"Sony", "Samsung", "Apple", "LG", "Anker", "Bose"}, 20, 1500},
      {"clothing", {"Nike", "Adidas", "Zara", "Uniqlo", "Levis"}, 10, 200},
      {"books", {"Penguin", "HarperCollins", "OReilly", "Vintage"}, 5, 60},
      {"home", {"Ikea", "Dyson", "Philips", "Tefal", "Bosch"}, 8, 600},
      {"sports", {"Wilson", "Puma", "Decathlon", "Garmin"}, 10, 400},
      {"beauty", {"Loreal", "Nivea", "Dove", "Clinique"}, 4, 120},
      {"toys", {"Lego", "Hasbro", "Mattel"}, 5, 150},
      {"grocery", {"Nestle", "Danone", "Kelloggs", "Heinz"}, 1, 40},
  };
  return k;
}

struct Weighted {
  const char* name;
  int weight;
};
const Weighted kRegions[] = {{"us-east", 22}, {"us-west", 18}, {"eu-west", 16}, {"eu-central", 12}, {"uk", 8},
                             {"apac", 10},    {"latam", 6},    {"india", 5},    {"canada", 3}};
const Weighted kDevices[] = {{"mobile", 55}, {"desktop", 35}, {"tablet", 10}};
const Weighted kActions[] = {{"view", 70}, {"add_to_cart", 20}, {"purchase", 10}};

template <size_t N>
const char* Pick(const Weighted (&items)[N], double u) {
  int total = 0;
  for (const auto& w : items) total += w.weight;
  double x = u * total;
  for (const auto& w : items) {
    if (x < w.weight) return w.name;
    x -= w.weight;
  }
  return items[N - 1].name;
}

std::vector<double> ZipfCdf(int n, double s) {
  std::vector<double> cdf(n);
  double acc = 0;
  for (int k = 0; k < n; ++k) {
    acc += 1.0 / std::pow(k + 1, s);
    cdf[k] = acc;
  }
  return cdf;
}

size_t SampleCdf(const std::vector<double>& cdf, double u) {
  size_t i = std::lower_bound(cdf.begin(), cdf.end(), u * cdf.back()) - cdf.begin();
  return std::min(i, cdf.size() - 1);
}

double Round2(double x) {
  return std::round(x * 100.0) / 100.0;
}

}  // namespace

struct EventGenerator::Event {
  int64_t ts_ms;
  uint32_t product_id;
  double price;
  uint8_t quantity;
  uint32_t user_id;
  const char* action;
  const std::string* session;
  const char* region;
  const char* user_type;
  const char* category;
  const char* brand;
  const char* device;
};

EventGenerator::EventGenerator(EventGeneratorOptions options) : options_(options), rng_(options.seed) {
  const auto& cats = Categories();
  for (int pid = 1; pid <= options_.products; ++pid) {
    int c = pid % static_cast<int>(cats.size());
    const auto& cat = cats[c];
    double base = Round2(cat.lo + (cat.hi - cat.lo) * unit_(rng_));
    products_.push_back({static_cast<uint32_t>(pid), c, pid % static_cast<int>(cat.brands.size()), base});
  }
  user_cdf_ = ZipfCdf(options_.users, 0.6);
  product_cdf_ = ZipfCdf(options_.products, 0.8);
  step_ms_ = options_.days * 86400.0 * 1000.0 / static_cast<double>(std::max<uint64_t>(options_.rows, 1));
}

EventGenerator::Event EventGenerator::Draw() {
  Event e;
  double t = static_cast<double>(options_.start_ms) + static_cast<double>(index_) * step_ms_;
  ++index_;
  if (unit_(rng_) < options_.late_share) t -= 1000.0 * (1.0 + (options_.late_seconds - 1) * unit_(rng_));
  e.ts_ms = static_cast<int64_t>(std::floor(t));
  uint64_t user_rank = SampleCdf(user_cdf_, unit_(rng_));
  uint64_t product_rank = SampleCdf(product_cdf_, unit_(rng_));
  e.user_id = static_cast<uint32_t>((user_rank * 2654435761ull) % options_.users + 1);
  const Product& p = products_[(product_rank * 40503ull) % options_.products];
  e.action = Pick(kActions, unit_(rng_));
  auto it = sessions_.find(e.user_id);
  if (it == sessions_.end() || unit_(rng_) < 0.05) {
    std::string s = fmt::format("s{:08x}{:04x}", static_cast<uint32_t>(rng_()), e.user_id % 65536);
    it = sessions_.insert_or_assign(e.user_id, std::move(s)).first;
  }
  e.session = &it->second;
  e.product_id = p.id;
  e.price = Round2(p.base_price * (0.9 + 0.2 * unit_(rng_)));
  e.quantity = e.action[0] == 'p' ? static_cast<uint8_t>(1 + rng_() % 5) : 1;
  e.region = Pick(kRegions, unit_(rng_));
  e.user_type = e.user_id % 100 < 65 ? "returning" : "new";
  const auto& cat = Categories()[p.category];
  e.category = cat.name;
  e.brand = cat.brands[p.brand];
  e.device = Pick(kDevices, unit_(rng_));
  return e;
}

Chunk EventGenerator::Next(size_t n) {
  storage::TableSchema schema = EventsSchema();
  std::vector<ColumnPtr> cols;
  for (const auto& def : schema.columns) {
    cols.push_back(std::make_shared<Column>(def.type));
    cols.back()->Reserve(n);
  }
  for (size_t i = 0; i < n; ++i) {
    Event e = Draw();
    cols[0]->AppendInt(e.ts_ms);
    cols[1]->AppendInt(e.product_id);
    cols[2]->AppendFloat(e.price);
    cols[3]->AppendInt(e.quantity);
    cols[4]->AppendInt(e.user_id);
    cols[5]->AppendString(e.action);
    cols[6]->AppendString(*e.session);
    cols[7]->AppendString(e.region);
    cols[8]->AppendString(e.user_type);
    cols[9]->AppendString(e.category);
    cols[10]->AppendString(e.brand);
    cols[11]->AppendString(e.device);
  }
  Chunk chunk;
  for (size_t c = 0; c < cols.size(); ++c) chunk.Add(schema.columns[c].name, std::move(cols[c]));
  chunk.num_rows = n;
  return chunk;
}

bool EventGenerator::MaybeBad(bool csv, std::string* out) {
  if (options_.bad_share <= 0 || unit_(rng_) >= options_.bad_share) return false;
  static const char* const kJson[] = {
      R"({"timestamp":"2024-01-01 00:00:00.000","product_id":"not-a-number","price":1.0})",
      R"({"timestamp":"yesterday","product_id":1,"price":2.5,"quantity":1})",
      R"({"timestamp":"2024-01-01 00:00:00.000","product_id":1,)",
      "this is not json",
      R"({"price":-1e400})",
      "[1,2,3]",
      R"({"timestamp":null,"product_id":null})",
      nullptr,  // the 70 KB region
  };
  static const char* const kCsv[] = {"2024-01-01 00:00:00.000,abc,1.0", "a,b", "\"unterminated,1,2",
                                     ",,,,,,,,,,,,,,,,"};
  ++index_;
  ++bad_;
  if (csv) {
    *out += kCsv[rng_() % std::size(kCsv)];
  } else {
    const char* kind = kJson[rng_() % std::size(kJson)];
    if (kind) {
      *out += kind;
    } else {
      ++long_;
      *out += R"({"timestamp":"2024-01-01 00:00:00.000","region":")";
      out->append(70000, 'x');
      *out += "\"}";
    }
  }
  *out += '\n';
  return true;
}

void EventGenerator::NextNdjson(size_t n, std::string* out) {
  for (size_t i = 0; i < n; ++i) {
    if (MaybeBad(false, out)) continue;
    Event e = Draw();
    absl::Time t = absl::FromUnixMillis(e.ts_ms);
    std::string ts = absl::FormatTime("%Y-%m-%d %H:%M:%E3S", t, absl::UTCTimeZone());
    fmt::format_to(std::back_inserter(*out),
                   "{{\"timestamp\":\"{}\",\"product_id\":{},\"price\":{},\"quantity\":{},\"user_id\":{},"
                   "\"action_type\":\"{}\",\"session_id\":\"{}\",\"region\":\"{}\",\"user_type\":\"{}\","
                   "\"category\":\"{}\",\"brand\":\"{}\",\"device_type\":\"{}\"}}\n",
                   ts, e.product_id, e.price, e.quantity, e.user_id, e.action, *e.session, e.region,
                   e.user_type, e.category, e.brand, e.device);
  }
}

std::string EventGenerator::CsvHeader() {
  return "timestamp,product_id,price,quantity,user_id,action_type,session_id,region,user_type,category,brand,"
         "device_type\n";
}

void EventGenerator::NextCsv(size_t n, std::string* out) {
  for (size_t i = 0; i < n; ++i) {
    if (MaybeBad(true, out)) continue;
    Event e = Draw();
    absl::Time t = absl::FromUnixMillis(e.ts_ms);
    std::string ts = absl::FormatTime("%Y-%m-%d %H:%M:%E3S", t, absl::UTCTimeZone());
    fmt::format_to(std::back_inserter(*out), "{},{},{},{},{},{},{},{},{},{},{},{}\n", ts, e.product_id,
                   e.price, e.quantity, e.user_id, e.action, *e.session, e.region, e.user_type, e.category,
                   e.brand, e.device);
  }
}

storage::TableSchema EventsSchema(std::string name) {
  using storage::CodecSpec;
  auto codec = [](const char* text) { return std::optional<CodecSpec>(CodecSpec::Parse(text).value()); };
  auto lc = DataType::LowCardinality(DataType::Make(TypeId::kString));
  storage::TableSchema s;
  s.name = std::move(name);
  s.columns = {
      {"timestamp", DataType::DateTime64(3, "UTC"), codec("DoubleDelta, ZSTD(1)"), "", "event time (UTC)"},
      {"product_id", DataType::Make(TypeId::kUInt32), codec("LZ4"), "", ""},
      {"price", DataType::Make(TypeId::kFloat64), codec("LZ4"), "", ""},
      {"quantity", DataType::Make(TypeId::kUInt8), codec("LZ4"), "", ""},
      {"user_id", DataType::Make(TypeId::kUInt32), codec("LZ4"), "", ""},
      {"action_type", lc, codec("LZ4"), "", "view, add_to_cart or purchase"},
      {"session_id", DataType::Make(TypeId::kString), codec("ZSTD(1)"), "", ""},
      {"region", lc, codec("LZ4"), "", ""},
      {"user_type", lc, codec("LZ4"), "", "new or returning"},
      {"category", lc, codec("LZ4"), "", ""},
      {"brand", lc, codec("LZ4"), "", ""},
      {"device_type", lc, codec("LZ4"), "", ""},
  };
  s.order_by = {"timestamp"};
  s.partition_by = storage::PartitionSpec::Parse("toYYYYMM(timestamp)").value();
  return s;
}

}  // namespace aurora::sources
