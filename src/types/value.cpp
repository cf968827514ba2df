#include "types/value.h"

#include <cmath>

#include <fmt/format.h>

namespace aurora {

namespace {
int Rank(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return 0;
  if (std::holds_alternative<std::string>(v)) return 2;
  if (std::holds_alternative<ArrayValuePtr>(v)) return 3;
  return 1;
}

// Appends `s` in single quotes, escaping quotes and backslashes as ClickHouse does inside arrays.
void AppendQuoted(std::string_view s, std::string* out) {
  out->push_back('\'');
  for (char c : s) {
    if (c == '\'' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('\'');
}
template <typename A, typename B>
int Cmp(A a, B b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}
}  // namespace

int CompareValues(const Value& a, const Value& b) {
  int ra = Rank(a), rb = Rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 0) return 0;
  if (ra == 3) {
    const auto& x = std::get<ArrayValuePtr>(a)->items;
    const auto& y = std::get<ArrayValuePtr>(b)->items;
    for (size_t i = 0; i < x.size() && i < y.size(); ++i)
      if (int c = CompareValues(x[i], y[i]); c != 0) return c;
    return Cmp(x.size(), y.size());
  }
  if (ra == 2)
    return std::get<std::string>(a).compare(std::get<std::string>(b)) < 0
               ? -1
               : (std::get<std::string>(a) == std::get<std::string>(b) ? 0 : 1);
  // Numbers: exact comparison for integers of either signedness, doubles otherwise.
  if (auto* ai = std::get_if<int64_t>(&a)) {
    if (auto* bi = std::get_if<int64_t>(&b)) return Cmp(*ai, *bi);
    if (auto* bu = std::get_if<uint64_t>(&b)) return *ai < 0 ? -1 : Cmp(static_cast<uint64_t>(*ai), *bu);
    return Cmp(static_cast<double>(*ai), std::get<double>(b));
  }
  if (auto* au = std::get_if<uint64_t>(&a)) {
    if (auto* bu = std::get_if<uint64_t>(&b)) return Cmp(*au, *bu);
    if (auto* bi = std::get_if<int64_t>(&b)) return *bi < 0 ? 1 : Cmp(*au, static_cast<uint64_t>(*bi));
    return Cmp(static_cast<double>(*au), std::get<double>(b));
  }
  double ad = std::get<double>(a);
  double bd = std::holds_alternative<double>(b)    ? std::get<double>(b)
              : std::holds_alternative<int64_t>(b) ? static_cast<double>(std::get<int64_t>(b))
                                                   : static_cast<double>(std::get<uint64_t>(b));
  if (std::isnan(ad) || std::isnan(bd)) return std::isnan(ad) ? (std::isnan(bd) ? 0 : 1) : -1;
  return Cmp(ad, bd);
}

std::string ValueToString(const Value& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "NULL"; }
    std::string operator()(int64_t x) const { return fmt::format("{}", x); }
    std::string operator()(uint64_t x) const { return fmt::format("{}", x); }
    std::string operator()(double x) const { return fmt::format("{}", x); }
    std::string operator()(const std::string& x) const { return x; }
    std::string operator()(const ArrayValuePtr& x) const {
      std::string out = "[";
      for (size_t i = 0; i < x->items.size(); ++i) {
        if (i) out.push_back(',');
        if (auto* s = std::get_if<std::string>(&x->items[i]))
          AppendQuoted(*s, &out);
        else
          out += ValueToString(x->items[i]);
      }
      return out + "]";
    }
  };
  return std::visit(Visitor{}, v);
}

}  // namespace aurora
