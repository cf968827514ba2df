// String functions, with ClickHouse's byte semantics (positions and lengths count bytes unless the name
// says UTF8):
//   length, lengthUTF8, empty, notEmpty            UInt64 / UInt8
//   lower, upper (ASCII), reverse (bytes), trim / trimBoth / trimLeft / trimRight (spaces)
//                                                  the argument's type (LowCardinality kept)
//   concat(a, b, ...)                              String; non-string arguments in their text form
//   substring(s, offset[, length])                 1-based; a negative offset counts from the end, offset
//                                                  0 gives ''; a negative length stops that many bytes
//                                                  before the end
//   position(haystack, needle)                     1-based byte position, 0 when absent, 1 for ''
//   startsWith, endsWith                           UInt8
//   replaceAll / replace, replaceOne               plain substrings (an empty pattern changes nothing)
//   match(s, re), extract(s, re)                   RE2, partial match; extract returns the first capture
//                                                  group, or the whole match without groups, or ''
//   like, notLike, ilike, notILike                 % any bytes, _ one character, \ escapes
// Constant patterns compile once per call; LIKE patterns of the forms 'abc', 'abc%', '%abc', '%abc%'
// and '%' skip the regex engine. A NULL argument gives NULL.
#include <re2/re2.h>

#include <algorithm>
#include <memory>

#include "common/query_error.h"
#include "function/kernel_io.h"
#include "types/text_format.h"

namespace aurora::function {

namespace {

DataTypePtr StringResult(const std::vector<DataTypePtr>& args) {
  return NullableIfAny(DataType::Make(TypeId::kString), args);
}

Status TakesStrings(const char* name, const std::vector<DataTypePtr>& args, size_t n, const char* what) {
  bool ok = args.size() == n;
  for (size_t i = 0; ok && i < n; ++i) ok = IsStringType(args[i]);
  if (!ok)
    return AURORA_ERROR(kInvalidArgument, "no function {}: {} takes {}", Signature(name, args), name, what);
  return Status::OK();
}

// ---- unary string -> string

template <typename F>
void RegisterStringMap(FunctionRegistry& r, const char* name, F f) {
  r.Register(name, [name, f](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(TakesStrings(name, args, 1, "a string"));
    DataTypePtr result = args[0];
    return BoundScalar{name, result,
                       [f, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         return MapStrings(in[0], rows, result, f);
                       }};
  });
}

template <typename T, typename F>
void RegisterStringTo(FunctionRegistry& r, const char* name, TypeId id, F f) {
  r.Register(name, [name, id, f](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(TakesStrings(name, args, 1, "a string"));
    DataTypePtr result = NullableIfAny(DataType::Make(id), args);
    return BoundScalar{name, result,
                       [f, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         return MapStringsTo<T>(in[0], rows, result, f);
                       }};
  });
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void Trim(std::string_view s, bool left, bool right, std::string* out) {
  size_t b = 0, e = s.size();
  if (left)
    while (b < e && s[b] == ' ') ++b;
  if (right)
    while (e > b && s[e - 1] == ' ') --e;
  out->append(s.substr(b, e - b));
}

// ---- binary string functions with a per-row loop and a fast path for a constant second argument

// Calls f(a, b) for each row of two string datums; a constant `b` with a dictionary `a` runs once per
// dictionary entry.
template <typename T, typename F>
ColumnPtr StringPairTo(const std::vector<Datum>& in, size_t rows, const DataTypePtr& result_type, F&& f) {
  if (in[1].is_const) {
    std::string_view b = in[1].column->StringAt(0);
    ColumnPtr out = MapStringsTo<T>(in[0], rows, result_type, [&](std::string_view a) { return f(a, b); });
    MergeNulls(in, rows, out.get());
    return out;
  }
  ColumnPtr out = NewFixedColumn(result_type, rows);
  T* o = out->MutableData<T>();
  for (size_t i = 0; i < rows; ++i)
    o[i] = f(in[0].column->StringAt(in[0].RowIndex(i)), in[1].column->StringAt(in[1].RowIndex(i)));
  MergeNulls(in, rows, out.get());
  return out;
}

template <typename T, typename F>
void RegisterStringPair(FunctionRegistry& r, const char* name, TypeId id, F f) {
  r.Register(name, [name, id, f](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(TakesStrings(name, args, 2, "two strings"));
    DataTypePtr result = NullableIfAny(DataType::Make(id), args);
    return BoundScalar{name, result,
                       [f, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         return StringPairTo<T>(in, rows, result, f);
                       }};
  });
}

// ---- substring

// ClickHouse's slice rules over bytes: offset > 0 from the left (1-based), < 0 from the right, 0 empty.
std::string_view Substring(std::string_view s, int64_t offset, bool has_length, int64_t length) {
  const int64_t size = static_cast<int64_t>(s.size());
  if (offset == 0) return {};
  if (offset > 0) {
    int64_t start = offset - 1;
    if (start >= size) return {};
    int64_t n = size - start;
    if (has_length) {
      int64_t want = length >= 0 ? length : size - start + length;
      if (want <= 0) return {};
      n = std::min(n, want);
    }
    return s.substr(static_cast<size_t>(start), static_cast<size_t>(n));
  }
  // From the right: `from_end` bytes before the end (may reach before the start).
  const int64_t from_end = offset == INT64_MIN ? INT64_MAX : -offset;
  int64_t want = size;  // unbounded
  if (has_length) {
    want = length >= 0 ? length : (length + from_end > 0 ? length + from_end : 0);
    if (want <= 0) return {};
  }
  if (from_end > size) {
    // Starts before the string: the part of [start, start + want) inside it.
    int64_t n = has_length ? (want > from_end - size ? std::min(size, want - (from_end - size)) : 0) : size;
    return s.substr(0, static_cast<size_t>(n));
  }
  return s.substr(static_cast<size_t>(size - from_end), static_cast<size_t>(std::min(want, from_end)));
}

Result<BoundScalar> BindSubstring(const std::vector<DataTypePtr>& args) {
  const char* name = "substring";
  if (args.size() < 2 || args.size() > 3 || !IsStringType(args[0]) || !args[1]->IsInteger() ||
      (args.size() == 3 && !args[2]->IsInteger()))
    return AURORA_ERROR(kInvalidArgument,
                        "no function {}: {} takes (String, integer offset[, integer length])",
                        Signature(name, args), name);
  DataTypePtr result = StringResult(args);
  return BoundScalar{
      name, result, [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        const bool has_length = in.size() == 3;
        bool const_args = in[1].is_const && (!has_length || in[2].is_const);
        if (const_args) {
          int64_t offset = IntAt(in[1], 0), length = has_length ? IntAt(in[2], 0) : 0;
          ColumnPtr out = MapStrings(in[0], rows, result, [&](std::string_view s, std::string* o) {
            o->append(Substring(s, offset, has_length, length));
          });
          MergeNulls(in, rows, out.get());
          return out;
        }
        auto out = std::make_shared<Column>(result);
        out->Reserve(rows);
        for (size_t i = 0; i < rows; ++i)
          out->AppendString(Substring(in[0].column->StringAt(in[0].RowIndex(i)), IntAt(in[1], i), has_length,
                                      has_length ? IntAt(in[2], i) : 0));
        MergeNulls(in, rows, out.get());
        return ColumnPtr(out);
      }};
}

// ---- concat

Result<BoundScalar> BindConcat(const std::vector<DataTypePtr>& args) {
  if (args.empty()) return AURORA_ERROR(kInvalidArgument, "concat takes at least 1 argument");
  for (const auto& a : args)
    if (a->IsInterval())
      return AURORA_ERROR(kInvalidArgument, "no function {}: concat takes strings, numbers, dates and times",
                          Signature("concat", args));
  DataTypePtr result = StringResult(args);
  return BoundScalar{"concat", result,
                     [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                       auto out = std::make_shared<Column>(result);
                       out->Reserve(rows);
                       std::string buf;
                       for (size_t i = 0; i < rows; ++i) {
                         buf.clear();
                         for (const auto& a : in) {
                           const Column& c = *a.column;
                           size_t r = a.RowIndex(i);
                           if (c.layout().value_id == TypeId::kString)
                             buf.append(c.StringAt(r));
                           else if (!c.IsNull(r))
                             FormatText(c, r, &buf);
                         }
                         out->AppendString(buf);
                       }
                       MergeNulls(in, rows, out.get());
                       return ColumnPtr(out);
                     }};
}

// ---- replace

void ReplaceInto(std::string_view s, std::string_view from, std::string_view to, bool all, std::string* out) {
  if (from.empty()) {
    out->append(s);
    return;
  }
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(from, pos);
    if (hit == std::string_view::npos) break;
    out->append(s.substr(pos, hit - pos));
    out->append(to);
    pos = hit + from.size();
    if (!all) break;
  }
  out->append(s.substr(pos));
}

void RegisterReplace(FunctionRegistry& r, const char* name, bool all) {
  r.Register(name, [name, all](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(TakesStrings(name, args, 3, "(haystack, pattern, replacement) strings"));
    DataTypePtr result = StringResult(args);
    return BoundScalar{
        name, result, [all, result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
          if (in[1].is_const && in[2].is_const) {
            std::string_view from = in[1].column->StringAt(0), to = in[2].column->StringAt(0);
            ColumnPtr out = MapStrings(in[0], rows, result, [&](std::string_view s, std::string* o) {
              ReplaceInto(s, from, to, all, o);
            });
            MergeNulls(in, rows, out.get());
            return out;
          }
          auto out = std::make_shared<Column>(result);
          std::string buf;
          for (size_t i = 0; i < rows; ++i) {
            buf.clear();
            ReplaceInto(in[0].column->StringAt(in[0].RowIndex(i)), in[1].column->StringAt(in[1].RowIndex(i)),
                        in[2].column->StringAt(in[2].RowIndex(i)), all, &buf);
            out->AppendString(buf);
          }
          MergeNulls(in, rows, out.get());
          return ColumnPtr(out);
        }};
  });
}

// ---- regular expressions

std::unique_ptr<RE2> CompileRegex(std::string_view pattern, const char* fn, bool case_insensitive = false) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(true);
  options.set_case_sensitive(!case_insensitive);
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok())
    throw QueryError(ErrorCode::kInvalidArgument,
                     fmt::format("invalid regular expression '{}' in {}: {}", pattern, fn, re->error()));
  return re;
}

// Compiles patterns once per distinct value (the last one is cached, which covers constants and runs).
class RegexCache {
 public:
  explicit RegexCache(const char* fn) : fn_(fn) {}
  const RE2& Get(std::string_view pattern) {
    if (!re_ || pattern != last_) {
      re_ = CompileRegex(pattern, fn_);
      last_ = std::string(pattern);
    }
    return *re_;
  }

 private:
  const char* fn_;
  std::string last_;
  std::unique_ptr<RE2> re_;
};

bool RegexMatch(const RE2& re, std::string_view s) {
  return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re);
}

void RegexExtract(const RE2& re, std::string_view s, std::string* out) {
  re2::StringPiece groups[2];
  int n = re.NumberOfCapturingGroups() > 0 ? 2 : 1;
  if (re.Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, groups, n)) {
    const re2::StringPiece& g = groups[n - 1];
    out->append(g.data(), g.size());
  }
}

Result<BoundScalar> BindMatch(const std::vector<DataTypePtr>& args) {
  AURORA_RETURN_IF_ERROR(TakesStrings("match", args, 2, "(haystack, pattern) strings"));
  DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kUInt8), args);
  return BoundScalar{
      "match", result, [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        RegexCache cache("match");
        return StringPairTo<uint8_t>(in, rows, result, [&](std::string_view s, std::string_view p) {
          return static_cast<uint8_t>(RegexMatch(cache.Get(p), s));
        });
      }};
}

Result<BoundScalar> BindExtract(const std::vector<DataTypePtr>& args) {
  AURORA_RETURN_IF_ERROR(TakesStrings("extract", args, 2, "(haystack, pattern) strings"));
  DataTypePtr result = StringResult(args);
  return BoundScalar{
      "extract", result, [result](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
        RegexCache cache("extract");
        if (in[1].is_const) {
          const RE2& re = cache.Get(in[1].column->StringAt(0));
          ColumnPtr out = MapStrings(in[0], rows, result,
                                     [&](std::string_view s, std::string* o) { RegexExtract(re, s, o); });
          MergeNulls(in, rows, out.get());
          return out;
        }
        auto out = std::make_shared<Column>(result);
        std::string buf;
        for (size_t i = 0; i < rows; ++i) {
          buf.clear();
          RegexExtract(cache.Get(in[1].column->StringAt(in[1].RowIndex(i))),
                       in[0].column->StringAt(in[0].RowIndex(i)), &buf);
          out->AppendString(buf);
        }
        MergeNulls(in, rows, out.get());
        return ColumnPtr(out);
      }};
}

// ---- LIKE

// A compiled LIKE pattern.
class LikeMatcher {
 public:
  LikeMatcher(std::string_view pattern, bool case_insensitive) {
    // Tokens: a literal byte (escapes resolved), % (-1) or _ (-2).
    std::vector<int> tokens;
    for (size_t i = 0; i < pattern.size(); ++i) {
      char c = pattern[i];
      if (c == '\\' && i + 1 < pattern.size())
        tokens.push_back(static_cast<unsigned char>(pattern[++i]));
      else
        tokens.push_back(c == '%' ? -1 : c == '_' ? -2 : static_cast<unsigned char>(c));
    }
    size_t b = 0, e = tokens.size();
    while (b < e && tokens[b] == -1) ++b;
    while (e > b && tokens[e - 1] == -1) --e;
    bool literal_middle = true;
    for (size_t i = b; i < e; ++i) literal_middle = literal_middle && tokens[i] >= 0;
    if (literal_middle && (!case_insensitive || b == e)) {
      for (size_t i = b; i < e; ++i) needle_ += static_cast<char>(tokens[i]);
      const bool lead = b > 0, trail = e < tokens.size();
      kind_ = lead && trail ? Kind::kContains : lead ? Kind::kSuffix : trail ? Kind::kPrefix : Kind::kEquals;
      if (b == e && !tokens.empty()) kind_ = Kind::kAny;
      return;
    }
    std::string regex;
    for (int t : tokens) {
      if (t == -1)
        regex += ".*";
      else if (t == -2)
        regex += ".";
      else
        regex += RE2::QuoteMeta(std::string(1, static_cast<char>(t)));
    }
    kind_ = Kind::kRegex;
    re_ = CompileRegex(regex, case_insensitive ? "ilike" : "like", case_insensitive);
  }

  bool Match(std::string_view s) const {
    switch (kind_) {
      case Kind::kAny:
        return true;
      case Kind::kEquals:
        return s == needle_;
      case Kind::kPrefix:
        return s.substr(0, needle_.size()) == needle_;
      case Kind::kSuffix:
        return s.size() >= needle_.size() && s.substr(s.size() - needle_.size()) == needle_;
      case Kind::kContains:
        return s.find(needle_) != std::string_view::npos;
      case Kind::kRegex:
        return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re_);
    }
    return false;
  }

 private:
  enum class Kind { kAny, kEquals, kPrefix, kSuffix, kContains, kRegex };
  Kind kind_ = Kind::kRegex;
  std::string needle_;
  std::unique_ptr<RE2> re_;
};

void RegisterLike(FunctionRegistry& r, const char* name, bool case_insensitive, bool negated) {
  r.Register(name, [=](const std::vector<DataTypePtr>& args) -> Result<BoundScalar> {
    AURORA_RETURN_IF_ERROR(TakesStrings(name, args, 2, "(haystack, pattern) strings"));
    DataTypePtr result = NullableIfAny(DataType::Make(TypeId::kUInt8), args);
    return BoundScalar{name, result, [=](const std::vector<Datum>& in, size_t rows, const FunctionContext&) {
                         std::unique_ptr<LikeMatcher> m;
                         std::string last;
                         return StringPairTo<uint8_t>(
                             in, rows, result, [&](std::string_view s, std::string_view p) {
                               if (!m || p != last) {
                                 m = std::make_unique<LikeMatcher>(p, case_insensitive);
                                 last = std::string(p);
                               }
                               return static_cast<uint8_t>(m->Match(s) != negated);
                             });
                       }};
  });
}

}  // namespace

void RegisterString(FunctionRegistry& r) {
  RegisterStringTo<uint64_t>(r, "length", TypeId::kUInt64,
                             [](std::string_view s) { return uint64_t{s.size()}; });
  RegisterStringTo<uint64_t>(r, "lengthUTF8", TypeId::kUInt64,
                             [](std::string_view s) { return Utf8Length(s); });
  RegisterStringTo<uint8_t>(r, "empty", TypeId::kUInt8,
                            [](std::string_view s) { return uint8_t{s.empty()}; });
  RegisterStringTo<uint8_t>(r, "notEmpty", TypeId::kUInt8,
                            [](std::string_view s) { return uint8_t{!s.empty()}; });
  RegisterStringMap(r, "lower", [](std::string_view s, std::string* o) {
    for (char c : s) o->push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  });
  RegisterStringMap(r, "upper", [](std::string_view s, std::string* o) {
    for (char c : s) o->push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  });
  RegisterStringMap(r, "reverse",
                    [](std::string_view s, std::string* o) { o->append(s.rbegin(), s.rend()); });
  RegisterStringMap(r, "trim", [](std::string_view s, std::string* o) { Trim(s, true, true, o); });
  RegisterStringMap(r, "trimBoth", [](std::string_view s, std::string* o) { Trim(s, true, true, o); });
  RegisterStringMap(r, "trimLeft", [](std::string_view s, std::string* o) { Trim(s, true, false, o); });
  RegisterStringMap(r, "trimRight", [](std::string_view s, std::string* o) { Trim(s, false, true, o); });
  r.Register("concat", BindConcat);
  r.Register("substring", BindSubstring);
  r.Register("substr", BindSubstring);
  RegisterStringPair<uint64_t>(r, "position", TypeId::kUInt64, [](std::string_view h, std::string_view n) {
    size_t p = h.find(n);
    return p == std::string_view::npos ? uint64_t{0} : uint64_t{p + 1};
  });
  RegisterStringPair<uint8_t>(r, "startsWith", TypeId::kUInt8, [](std::string_view s, std::string_view p) {
    return uint8_t{s.substr(0, p.size()) == p};
  });
  RegisterStringPair<uint8_t>(r, "endsWith", TypeId::kUInt8, [](std::string_view s, std::string_view p) {
    return uint8_t{s.size() >= p.size() && s.substr(s.size() - p.size()) == p};
  });
  RegisterReplace(r, "replaceAll", true);
  RegisterReplace(r, "replace", true);
  RegisterReplace(r, "replaceOne", false);
  r.Register("match", BindMatch);
  r.Register("extract", BindExtract);
  RegisterLike(r, "like", false, false);
  RegisterLike(r, "notLike", false, true);
  RegisterLike(r, "ilike", true, false);
  RegisterLike(r, "notILike", true, true);
}

}  // namespace aurora::function
