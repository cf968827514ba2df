#include "nl/question_parser.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "common/strings.h"
#include "nl/text.h"

namespace aurora::nl {

namespace {

using Role = TableVocabulary::Column::Role;

std::vector<std::string> Stems(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(Stem(w));
  return out;
}

// English verbs and nouns that name the same action as a value ("bought" is a purchase).
const std::map<std::string, std::string>& Thesaurus() {
  static const std::map<std::string, std::string> k = {
      {"buy", "purchas"}, {"sell", "purchas"}, {"sale", "purchas"},    {"cart", "add to cart"},
      {"phone", "mobil"}, {"pc", "desktop"},   {"computer", "desktop"}};
  return k;
}

const std::map<std::string, int>& Months() {
  static const std::map<std::string, int> k = {
      {"january", 1}, {"february", 2}, {"march", 3},     {"april", 4},    {"may", 5},       {"june", 6},
      {"july", 7},    {"august", 8},   {"september", 9}, {"october", 10}, {"november", 11}, {"december", 12},
      {"jan", 1},     {"feb", 2},      {"mar", 3},       {"apr", 4},      {"jun", 6},       {"jul", 7},
      {"aug", 8},     {"sep", 9},      {"sept", 9},      {"oct", 10},     {"nov", 11},      {"dec", 12}};
  return k;
}

const std::map<std::string, int>& Weekdays() {
  static const std::map<std::string, int> k = {{"monday", 1},   {"tuesday", 2}, {"wednesday", 3},
                                               {"thursday", 4}, {"friday", 5},  {"saturday", 6},
                                               {"sunday", 7}};
  return k;
}

// A time unit word: its SQL interval unit and bucket function.
struct Unit {
  const char* interval;  // "HOUR"
  const char* bucket;    // "toStartOfHour({})"
  const char* name;      // "hour"
};
std::optional<Unit> UnitOf(const std::string& w) {
  static const std::map<std::string, Unit> k = {{"second", {"SECOND", "toStartOfSecond({})", "second"}},
                                                {"minute", {"MINUTE", "toStartOfMinute({})", "minute"}},
                                                {"min", {"MINUTE", "toStartOfMinute({})", "minute"}},
                                                {"hour", {"HOUR", "toStartOfHour({})", "hour"}},
                                                {"hr", {"HOUR", "toStartOfHour({})", "hour"}},
                                                {"day", {"DAY", "toDate({})", "day"}},
                                                {"week", {"WEEK", "toStartOfWeek({}, 1)", "week"}},
                                                {"month", {"MONTH", "toStartOfMonth({})", "month"}},
                                                {"year", {"YEAR", "toStartOfYear({})", "year"}}};
  std::string s = w;
  if (s.size() > 3 && s.back() == 's') s.pop_back();
  auto it = k.find(s);
  if (it == k.end()) return std::nullopt;
  return it->second;
}

// Words the recognizers give a meaning of their own: never taken for a misspelt column or value.
bool IsKeyword(const std::string& w) {
  static const std::set<std::string> k = {
      "recent",    "latest", "newest",     "last",   "past",    "previous", "today",  "yesterday", "since",
      "between",   "top",    "bottom",     "most",   "least",   "highest",  "lowest", "best",      "worst",
      "total",     "sum",    "average",    "mean",   "median",  "count",    "number", "distinct",  "unique",
      "different", "share",  "percentage", "ratio",  "over",    "under",    "above",  "below",     "show",
      "list",      "hourly", "daily",      "weekly", "monthly", "minute",   "hour",   "day",       "week",
      "month",     "year",   "trend",      "per",    "each"};
  return k.count(w) > 0;
}

struct ValueMatch {
  size_t pos = 0;
  size_t column = 0;
  std::string value;
  bool negated = false;
};

struct ColumnMatch {
  size_t pos = 0;
  size_t length = 1;
  size_t column = 0;
};

class Reader {
 public:
  Reader(const TableVocabulary& v, std::string_view question)
      : v_(v), t_(Tokenize(question)), used_(t_.size()) {}

  Answer Run();

 private:
  const TableVocabulary::Column& Col(size_t i) const { return v_.columns[i]; }
  std::string TimeCol() const { return v_.time_column >= 0 ? Col(v_.time_column).name : ""; }
  bool Is(size_t i, std::initializer_list<const char*> words) const {
    if (i >= t_.size() || t_[i].kind != Token::Kind::kWord) return false;
    for (const char* w : words)
      if (t_[i].text == w) return true;
    return false;
  }
  bool Free(size_t i) const { return i < t_.size() && !used_[i]; }
  void Use(size_t from, size_t to) {
    for (size_t i = from; i < to && i < t_.size(); ++i) used_[i] = true;
  }
  // The next token after i that is not a stop word ("the", "of"), or t_.size().
  size_t Skip(size_t i, std::initializer_list<const char*> extra = {}) const {
    while (i < t_.size() && t_[i].kind == Token::Kind::kWord &&
           (t_[i].text == "the" || t_[i].text == "a" || t_[i].text == "an" || Is(i, extra)))
      ++i;
    return i;
  }
  bool WordMatches(const Token& tok, const std::string& stem, bool fuzzy) const {
    if (tok.kind != Token::Kind::kWord) return false;
    if (tok.stem == stem || tok.text == stem) return true;
    if (!fuzzy || tok.text.size() < 4 || IsStopWord(tok.text) || IsKeyword(tok.text)) return false;
    const int allowed = AllowedTypos(std::max(tok.stem.size(), stem.size()));
    return allowed > 0 && BoundedEditDistance(tok.stem, stem, allowed) <= allowed;
  }
  // Tokens matched from `pos` by the stemmed word sequence, or 0.
  size_t MatchWords(size_t pos, const std::vector<std::string>& words, bool fuzzy) const {
    if (words.empty()) return 0;
    size_t i = pos;
    for (const auto& w : words) {
      if (!Free(i) || !WordMatches(t_[i], w, fuzzy && words.size() == 1)) return 0;
      ++i;
    }
    return i - pos;
  }
  std::optional<ColumnMatch> ColumnAt(size_t pos, bool fuzzy) const;
  void ReadTable();
  void ReadQuoted();
  void ReadTerms();
  void ReadTime();
  void ReadTrend();
  void ReadListing();
  void ReadRanking();
  void ReadAggregation();
  void ReadComparisons();
  void ReadIds();
  void ReadValues(bool fuzzy);
  void ReadGrouping();
  void ReadColumnMentions();
  int MoneyColumn() const;
  std::string Measure(std::string* label) const;
  std::string Where() const;

  const TableVocabulary& v_;
  std::vector<Token> t_;
  std::vector<bool> used_;

  std::vector<std::string> where_, explain_filters_;
  std::vector<ValueMatch> values_;
  std::string bucket_, bucket_name_, time_text_;
  std::string agg_;  // count, sum, avg, min, max, median, quantile, uniqExact, share, ratio
  int agg_column_ = -1;
  size_t agg_pos_ = 0;
  double quantile_ = 0;
  bool percent_ = false;
  size_t share_pos_ = 0;
  bool rank_ = false, desc_ = true;
  int limit_ = 0;
  size_t rank_pos_ = 0;
  std::vector<size_t> groups_;
  std::vector<ColumnMatch> mentions_;  // columns named and not yet given a role
  bool list_rows_ = false;
  int list_limit_ = 10;
  int distinct_column_ = -1;
  bool plural_group_ = false;
  bool table_named_ = false;
  std::set<size_t> value_tokens_;  // tokens read as values
  const TableVocabulary::Metric* metric_ = nullptr;
  std::vector<std::string> term_conditions_;  // from synonyms
  // The last rolling range read ("the last 7 days"): aligned to whole buckets when a trend uses its unit.
  std::string rel_unit_;
  long long rel_count_ = 0;
  int rel_where_ = -1;
};

std::optional<ColumnMatch> Reader::ColumnAt(size_t pos, bool fuzzy) const {
  std::optional<ColumnMatch> best;
  for (size_t c = 0; c < v_.columns.size(); ++c)
    for (const auto& name : Col(c).names) {
      const size_t n = MatchWords(pos, name, fuzzy);
      if (n > 0 && (!best || n > best->length)) best = ColumnMatch{pos, n, c};
    }
  return best;
}

void Reader::ReadTable() {
  const std::vector<std::string> words = Stems(IdentifierWords(v_.table));
  for (size_t i = 0; i < t_.size(); ++i) {
    size_t n = MatchWords(i, words, true);
    if (n == 0 && Is(i, {"rows", "row", "records", "record", "entries", "entry"})) n = 1;
    if (n > 0) {
      Use(i, i + n);
      table_named_ = true;
    }
  }
}

void Reader::ReadQuoted() {
  for (size_t i = 0; i < t_.size(); ++i) {
    if (t_[i].kind != Token::Kind::kQuoted || used_[i]) continue;
    for (const auto& val : v_.values)
      if (val.value == t_[i].text) {
        values_.push_back({i, val.column, val.value, false});
        used_[i] = true;
        break;
      }
  }
}

void Reader::ReadTerms() {
  for (size_t i = 0; i < t_.size(); ++i) {
    if (!Free(i)) continue;
    size_t best = 0;
    const TableVocabulary::Metric* metric = nullptr;
    const TableVocabulary::Synonym* synonym = nullptr;
    for (const auto& m : v_.metrics)
      if (size_t n = MatchWords(i, m.words, true); n > best) {
        best = n;
        metric = &m;
        synonym = nullptr;
      }
    for (const auto& syn : v_.synonyms)
      if (size_t n = MatchWords(i, syn.words, true); n > best) {
        best = n;
        synonym = &syn;
        metric = nullptr;
      }
    if (best == 0) continue;
    if (metric) {
      metric_ = metric;
    } else if (synonym->column >= 0) {
      mentions_.push_back({i, best, static_cast<size_t>(synonym->column)});
    } else {
      bool negated = i > 0 && Is(i - 1, {"not", "except", "excluding", "without", "non"});
      if (negated) used_[i - 1] = true;
      term_conditions_.push_back(negated ? "NOT (" + synonym->condition + ")" : synonym->condition);
      for (size_t k = i; k < i + best; ++k) value_tokens_.insert(k);
    }
    Use(i, i + best);
    i += best - 1;
  }
}

void Reader::ReadTime() {
  const std::string ts = TimeCol();
  if (ts.empty()) return;
  auto add = [&](size_t from, size_t to, std::string cond, std::string text) {
    Use(from, to);
    where_.push_back(std::move(cond));
    time_text_ = std::move(text);
  };
  for (size_t i = 0; i < t_.size(); ++i) {
    if (!Free(i)) continue;
    const std::string& w = t_[i].text;
    if (w == "today") {
      add(i, i + 1, fmt::format("{} >= toStartOfDay(now())", ts), "today");
    } else if (w == "yesterday") {
      add(i, i + 1,
          fmt::format("{0} >= toStartOfDay(now()) - INTERVAL 1 DAY AND {0} < toStartOfDay(now())", ts),
          "yesterday");
    } else if ((w == "this" || w == "current") && i + 1 < t_.size()) {
      auto unit = UnitOf(t_[i + 1].text);
      if (!unit || std::string(unit->name) == "minute" || std::string(unit->name) == "second") continue;
      const std::string start = std::string(unit->name) == "hour"    ? "toStartOfHour(now())"
                                : std::string(unit->name) == "day"   ? "toStartOfDay(now())"
                                : std::string(unit->name) == "week"  ? "toStartOfWeek(now(), 1)"
                                : std::string(unit->name) == "month" ? "toStartOfMonth(now())"
                                                                     : "toStartOfYear(now())";
      add(i, i + 2, fmt::format("{} >= {}", ts, start), fmt::format("this {}", unit->name));
    } else if (w == "last" || w == "past" || w == "previous" || w == "recent" || w == "within") {
      // [in|over|during] the last|past N unit(s) / the last|past unit
      size_t j = Skip(i + 1);
      double n = 1;
      bool number = false;
      if (j < t_.size() && t_[j].kind == Token::Kind::kNumber) {
        if (!t_[j].integer || t_[j].number < 1 || t_[j].number > 100000) continue;
        n = t_[j].number;
        number = true;
        ++j;
      }
      if (j >= t_.size()) continue;
      auto unit = UnitOf(t_[j].text);
      if (!unit) continue;
      size_t from = i;
      while (from > 0 && Is(from - 1, {"in", "over", "during", "the", "for", "within", "from"})) --from;
      const std::string name = unit->name;
      if (!number && w == "last" && (name == "week" || name == "month" || name == "year")) {
        // "last week": the previous calendar week (weeks start on Monday).
        const std::string start = name == "week"    ? "toStartOfWeek(now(), 1)"
                                  : name == "month" ? "toStartOfMonth(now())"
                                                    : "toStartOfYear(now())";
        add(from, j + 1, fmt::format("{0} >= {1} - INTERVAL 1 {2} AND {0} < {1}", ts, start, unit->interval),
            fmt::format("last {}", name));
        continue;
      }
      const long long count = static_cast<long long>(n);
      rel_unit_ = name == "week" ? "day" : name;
      rel_count_ = name == "week" ? count * 7 : count;
      rel_where_ = static_cast<int>(where_.size());
      if (name == "week")
        add(from, j + 1, fmt::format("{} >= now() - INTERVAL {} DAY", ts, count * 7),
            fmt::format("the last {} days", count * 7));
      else
        add(from, j + 1, fmt::format("{} >= now() - INTERVAL {} {}", ts, count, unit->interval),
            fmt::format("the last {} {}{}", count, name, count == 1 ? "" : "s"));
    } else if (w == "since" && i + 1 < t_.size()) {
      if (auto d = Weekdays().find(t_[i + 1].text); d != Weekdays().end()) {
        const std::string start =
            d->second == 1 ? "toStartOfWeek(now(), 1)"
                           : fmt::format("toStartOfWeek(now(), 1) + INTERVAL {} DAY", d->second - 1);
        add(i, i + 2, fmt::format("{0} >= if({1} > now(), {1} - INTERVAL 7 DAY, {1})", ts, start),
            "since " + t_[i + 1].text);
      } else if (t_[i + 1].kind == Token::Kind::kQuoted) {
        add(i, i + 2, fmt::format("{} >= {}", ts, QuoteString(t_[i + 1].text)), "since " + t_[i + 1].text);
      }
    } else if ((w == "between" || w == "from") && i + 3 < t_.size() &&
               t_[i + 1].kind == Token::Kind::kQuoted && Is(i + 2, {"and", "to", "until"}) &&
               t_[i + 3].kind == Token::Kind::kQuoted) {
      add(i, i + 4,
          fmt::format("{0} >= {1} AND {0} < toDate({2}) + 1", ts, QuoteString(t_[i + 1].text),
                      QuoteString(t_[i + 3].text)),
          fmt::format("from {} to {}", t_[i + 1].text, t_[i + 3].text));
    } else if (auto m = Months().find(w); m != Months().end() && w != "may" && w != "mar") {
      size_t from = i;
      if (from > 0 && Is(from - 1, {"in", "during", "for", "of"})) --from;
      add(from, i + 1, fmt::format("toYear({0}) = toYear(now()) AND toMonth({0}) = {1}", ts, m->second),
          "in " + w);
    } else if (w == "on" && i + 1 < t_.size() && t_[i + 1].kind == Token::Kind::kQuoted) {
      add(i, i + 2, fmt::format("toDate({}) = {}", ts, QuoteString(t_[i + 1].text)), "on " + t_[i + 1].text);
    }
  }
}

void Reader::ReadTrend() {
  const std::string ts = TimeCol();
  if (ts.empty()) return;
  static const std::map<std::string, std::string> kAdverbs = {{"minutely", "minute"}, {"hourly", "hour"},
                                                              {"daily", "day"},       {"weekly", "week"},
                                                              {"monthly", "month"},   {"yearly", "year"}};
  for (size_t i = 0; i < t_.size(); ++i) {
    if (!Free(i)) continue;
    std::optional<Unit> unit;
    size_t from = i, to = i + 1;
    if (auto a = kAdverbs.find(t_[i].text); a != kAdverbs.end()) {
      unit = UnitOf(a->second);
    } else if (Is(i, {"per", "by", "each", "every"}) && i + 1 < t_.size() && Free(i + 1)) {
      unit = UnitOf(t_[i + 1].text);
      to = i + 2;
    }
    if (!unit) continue;
    bucket_ = fmt::format(fmt::runtime(unit->bucket), ts);
    bucket_name_ = unit->name;
    Use(from, to);
    if (to < t_.size() && Is(to, {"trend", "trends", "breakdown"})) used_[to] = true;
  }
  for (size_t i = 0; i < t_.size(); ++i)
    if (Free(i) && Is(i, {"trend", "trends", "over", "time"}) && !bucket_.empty()) used_[i] = true;
}

void Reader::ReadListing() {
  for (size_t i = 0; i < t_.size(); ++i) {
    if (!Free(i) || !Is(i, {"show", "list", "display", "latest", "newest", "recent", "last", "first"}))
      continue;
    // show|list [the] [N] [most recent|latest] events|rows ...
    size_t j = Skip(i + 1, {"me", "all", "most", "recent", "latest", "last", "newest"});
    int n = -1;
    if (j < t_.size() && t_[j].kind == Token::Kind::kNumber && t_[j].integer && t_[j].number >= 1 &&
        t_[j].number <= 1e6) {
      n = static_cast<int>(t_[j].number);
      j = Skip(j + 1, {"most", "recent", "latest", "last", "newest"});
    }
    if (j >= t_.size()) continue;
    // A category column named in the plural: "list all regions" -> its distinct values.
    if (auto c = ColumnAt(j, false);
        c && Col(c->column).role == Role::kCategory && n < 0 && Is(i, {"list", "show", "display"})) {
      distinct_column_ = static_cast<int>(c->column);
      Use(i, j + c->length);
      continue;
    }
    // Rows: the table's name, "rows", or a value in the plural ("latest 5 purchases").
    const bool rows_word = used_[j] || Is(j, {"rows", "records", "entries", "events"});
    bool value_word = false;
    for (const auto& val : v_.values)
      if (MatchWords(j, val.words, false) > 0) value_word = true;
    if (!rows_word && !value_word) continue;
    list_rows_ = true;
    list_limit_ = n > 0 ? n : 10;
    Use(i, j);
    if (rows_word) used_[j] = true;
  }
  // "which categories are there", "what brands exist"
  for (size_t i = 0; i + 1 < t_.size(); ++i) {
    if (!Is(i, {"which", "what"})) continue;
    auto c = ColumnAt(i + 1, false);
    if (!c || Col(c->column).role != Role::kCategory) continue;
    const size_t after = i + 1 + c->length;
    if (after < t_.size() && Is(after, {"are", "exist"}) &&
        (after + 1 >= t_.size() || Is(after + 1, {"there"}))) {
      distinct_column_ = static_cast<int>(c->column);
      Use(i, std::min(t_.size(), after + 2));
    }
  }
}

void Reader::ReadRanking() {
  for (size_t i = 0; i < t_.size(); ++i) {
    if (!Free(i)) continue;
    const std::string& w = t_[i].text;
    if (w == "top" || w == "bottom") {
      rank_ = true;
      desc_ = w == "top";
      rank_pos_ = i;
      used_[i] = true;
      auto count = [&](size_t k) {
        return t_[k].kind == Token::Kind::kNumber && t_[k].integer && t_[k].number >= 1 &&
               t_[k].number <= 1e6;
      };
      if (i + 1 < t_.size() && count(i + 1)) {
        limit_ = static_cast<int>(t_[i + 1].number);
        used_[i + 1] = true;
      } else if (i > 0 && count(i - 1) && !used_[i - 1]) {
        limit_ = static_cast<int>(t_[i - 1].number);
        used_[i - 1] = true;
      }
    } else if (w == "best-selling" || w == "top-selling" || w == "bestselling" || w == "best" ||
               w == "worst") {
      rank_ = true;
      desc_ = w != "worst";
      rank_pos_ = i;
      used_[i] = true;
      if ((w != "best" && w != "worst") ||
          (i + 1 < t_.size() && Is(i + 1, {"selling", "sellers", "seller"}))) {
        for (const auto& val : v_.values)
          if (Stem(val.value) == "purchas") values_.push_back({i, val.column, val.value, false});
        if (i + 1 < t_.size() && Is(i + 1, {"selling", "sellers", "seller"})) used_[i + 1] = true;
      }
    } else if (w == "most" || w == "least" || w == "fewest" || w == "popular") {
      // "most viewed", "least popular", "the most" at the end; not "at least 3"
      if (w == "most" && i + 1 < t_.size() && Is(i + 1, {"recent", "expensive"})) continue;
      if (i > 0 && Is(i - 1, {"at"})) continue;
      rank_ = true;
      desc_ = w == "most" || w == "popular";
      rank_pos_ = i;
      used_[i] = true;
      if (i + 1 < t_.size() && Is(i + 1, {"popular", "common", "frequent", "active"})) used_[i + 1] = true;
    }
  }
}

void Reader::ReadAggregation() {
  auto numeric_after = [&](size_t from) -> int {
    for (size_t j = from; j < std::min(t_.size(), from + 4); ++j) {
      if (!Free(j)) continue;
      auto c = ColumnAt(j, true);
      if (c && (Col(c->column).role == Role::kNumber)) {
        Use(j, j + c->length);
        return static_cast<int>(c->column);
      }
    }
    return -1;
  };
  auto column_after = [&](size_t from) -> int {
    for (size_t j = from; j < std::min(t_.size(), from + 3); ++j) {
      if (!Free(j)) continue;
      auto c = ColumnAt(j, true);
      if (c) {
        Use(j, j + c->length);
        return static_cast<int>(c->column);
      }
    }
    return -1;
  };
  // Misspelt long keywords ("avergae") read as the keyword.
  static const std::vector<std::string> kKeywords = {
      "average", "maximum", "minimum",  "median",    "distinct",   "unique",   "percentile",
      "highest", "lowest",  "cheapest", "different", "percentage", "fraction", "proportion"};
  for (auto& tok : t_) {
    if (tok.kind != Token::Kind::kWord || tok.text.size() < 6) continue;
    for (const auto& k : kKeywords)
      if (tok.text != k && BoundedEditDistance(tok.text, k, 1) <= 1) tok.text = k;
  }
  for (size_t i = 0; i < t_.size(); ++i) {
    if (!Free(i)) continue;
    const std::string& w = t_[i].text;
    auto set = [&](const char* agg, size_t width) {
      agg_ = agg;
      agg_pos_ = i;
      Use(i, i + width);
    };
    if (w == "how" && i + 1 < t_.size() && Is(i + 1, {"many"})) {
      set("count", 2);
    } else if (w == "how" && i + 1 < t_.size() && Is(i + 1, {"much"})) {
      set("sum", 2);
    } else if ((w == "number" || w == "count" || w == "amount") && agg_.empty()) {
      set("count", 1);
      if (i + 1 < t_.size() && Is(i + 1, {"of"})) used_[i + 1] = true;
      if (i > 0 && Is(i - 1, {"total"})) used_[i - 1] = true;
    } else if (w == "total" || w == "sum") {
      if (i + 1 < t_.size() && Is(i + 1, {"number", "count"})) continue;  // "total number of": a count
      const int c = numeric_after(i + 1);
      if (c >= 0) {
        set("sum", 1);
        agg_column_ = c;
      } else {
        used_[i] = true;  // "total revenue", "what's the total count": the word adds nothing
      }
    } else if (w == "average" || w == "avg" || w == "mean") {
      set("avg", 1);
      agg_column_ = numeric_after(i + 1);
    } else if (w == "median") {
      set("median", 1);
      agg_column_ = numeric_after(i + 1);
    } else if (w == "minimum" || w == "min" || w == "cheapest" || w == "smallest" || w == "lowest" ||
               w == "maximum" || w == "max" || w == "highest" || w == "largest" || w == "biggest" ||
               (w == "most" && i + 1 < t_.size() && Is(i + 1, {"expensive"}))) {
      const bool max =
          w == "maximum" || w == "max" || w == "highest" || w == "largest" || w == "biggest" || w == "most";
      const size_t width = w == "most" ? 2 : 1;
      // "highest average price" ranks by the average; "highest price" is max(price), or a ranking by it
      // when the question names what to rank ("which brand has the highest price").
      if ((w == "highest" || w == "lowest") && i + 1 < t_.size() &&
          Is(i + 1,
             {"average", "avg", "mean", "median", "total", "maximum", "max", "minimum", "min", "number"})) {
        rank_ = true;
        desc_ = w == "highest";
        rank_pos_ = i;
        used_[i] = true;
        continue;
      }
      const int c = numeric_after(i + width);
      if (c < 0 && (w == "highest" || w == "lowest" || w == "largest" || w == "smallest" || w == "biggest")) {
        rank_ = true;  // "which region has the lowest ..." with no number after: a ranking word
        desc_ = w != "lowest" && w != "smallest";
        rank_pos_ = i;
        used_[i] = true;
        continue;
      }
      set(max ? "max" : "min", width);
      agg_column_ = c >= 0 ? c : MoneyColumn();
      if (w == "highest" || w == "lowest" || w == "largest" || w == "smallest" || w == "biggest" ||
          w == "cheapest") {
        // Also a ranking, should the question group ("highest priced brands").
        rank_pos_ = i;
        desc_ = max;
      }
    } else if (w == "priced" && i > 0 && (t_[i - 1].text == "highest" || t_[i - 1].text == "lowest")) {
      used_[i] = true;
    } else if (w == "distinct" || w == "unique" || w == "different" || w == "active") {
      const int c = column_after(i + 1);
      if (c >= 0) {
        set("uniqExact", 1);
        agg_column_ = c;
      }
    } else if (w.size() >= 2 && w[0] == 'p' && std::all_of(w.begin() + 1, w.end(), ::isdigit) &&
               w.size() <= 3) {
      set("quantile", 1);
      quantile_ = std::stod(w.substr(1)) / 100;
      agg_column_ = numeric_after(i + 1);
    } else if (t_[i].kind == Token::Kind::kNumber && i + 1 < t_.size() && Is(i + 1, {"percentile", "th"})) {
      set("quantile", 2);
      quantile_ = t_[i].number / 100;
      agg_column_ = numeric_after(i + 2);
    } else if (w == "share" || w == "percentage" || w == "percent" || w == "fraction" || w == "proportion") {
      set("share", 1);
      percent_ = w == "percentage" || w == "percent";
      share_pos_ = i;
    } else if (w == "ratio") {
      set("ratio", 1);
      share_pos_ = i;
    }
  }
}

int Reader::MoneyColumn() const {
  for (const char* name : {"price", "amount", "value", "revenue", "total", "cost"})
    for (size_t c = 0; c < v_.columns.size(); ++c)
      if (Col(c).name == name && Col(c).role == Role::kNumber) return static_cast<int>(c);
  for (size_t c = 0; c < v_.columns.size(); ++c)
    if (Col(c).role == Role::kNumber && !Col(c).integer) return static_cast<int>(c);
  for (size_t c = 0; c < v_.columns.size(); ++c)
    if (Col(c).role == Role::kNumber) return static_cast<int>(c);
  return -1;
}

void Reader::ReadComparisons() {
  struct Op {
    std::vector<const char*> words;
    const char* sql;
  };
  static const std::vector<Op> kOps = {
      {{"more", "than"}, ">"},  {{"greater", "than"}, ">"}, {{"higher", "than"}, ">"},
      {{"over"}, ">"},          {{"above"}, ">"},           {{"exceeding"}, ">"},
      {{"at", "least"}, ">="},  {{"less", "than"}, "<"},    {{"fewer", "than"}, "<"},
      {{"lower", "than"}, "<"}, {{"under"}, "<"},           {{"below"}, "<"},
      {{"at", "most"}, "<="},   {{"between"}, "between"},   {{"equal", "to"}, "="},
      {{"exactly"}, "="}};
  for (size_t i = 0; i < t_.size(); ++i) {
    for (const auto& op : kOps) {
      size_t j = i;
      bool ok = true;
      for (const char* w : op.words) ok = ok && Free(j) && Is(j++, {w});
      if (!ok) continue;
      if (j >= t_.size() || t_[j].kind != Token::Kind::kNumber) continue;
      std::string sql_op = op.sql;
      double low = t_[j].number, high = 0;
      size_t end = j + 1;
      if (sql_op == "between") {
        if (end + 1 >= t_.size() || !Is(end, {"and"}) || t_[end + 1].kind != Token::Kind::kNumber) continue;
        high = t_[end + 1].number;
        end += 2;
      }
      // The column: named just before (skipping "of", "with", "a"), else just after, else the money column.
      int column = -1;
      for (size_t k = i; k-- > 0 && k + 4 >= i;) {
        if (Is(k, {"of", "with", "a", "the", "is", "was", "has", "where"})) continue;
        auto c = ColumnAt(k, true);
        if (!c && k > 0) c = ColumnAt(k - 1, true);
        if (c && Col(c->column).role == Role::kNumber) {
          column = static_cast<int>(c->column);
          Use(c->pos, c->pos + c->length);
        }
        break;
      }
      if (column < 0 && end < t_.size()) {
        size_t k = Skip(end, {"in", "of"});
        if (auto c = ColumnAt(k, true); c && Col(c->column).role == Role::kNumber) {
          column = static_cast<int>(c->column);
          Use(end, c->pos + c->length);
        }
      }
      if (column < 0) column = MoneyColumn();
      if (column < 0) continue;
      const std::string& name = Col(column).name;
      auto num = [](double x) {
        return x == static_cast<double>(static_cast<long long>(x))
                   ? fmt::format("{}", static_cast<long long>(x))
                   : fmt::format("{}", x);
      };
      if (sql_op == "between") {
        where_.push_back(fmt::format("{0} >= {1} AND {0} <= {2}", name, num(low), num(high)));
        explain_filters_.push_back(fmt::format("{} between {} and {}", name, num(low), num(high)));
      } else {
        where_.push_back(fmt::format("{} {} {}", name, sql_op, num(low)));
        explain_filters_.push_back(fmt::format("{} {} {}", name, sql_op, num(low)));
      }
      Use(i, end);
      break;
    }
  }
}

void Reader::ReadIds() {
  for (size_t i = 0; i + 1 < t_.size(); ++i) {
    if (!Free(i) || t_[i + 1].kind != Token::Kind::kNumber || !t_[i + 1].integer) continue;
    size_t k = i;
    if (Is(k, {"id", "number", "no", "#"}) && k > 0) --k;
    for (size_t c = 0; c < v_.columns.size(); ++c) {
      if (Col(c).role != Role::kId) continue;
      bool hit = false;
      for (const auto& name : Col(c).names) hit = hit || MatchWords(k, name, false) > 0;
      if (!hit) continue;
      const std::string id = fmt::format("{}", static_cast<long long>(t_[i + 1].number));
      where_.push_back(fmt::format("{} = {}", Col(c).name, Col(c).integer ? id : QuoteString(id)));
      explain_filters_.push_back(fmt::format("{} = {}", Col(c).name, id));
      Use(k, i + 2);
      break;
    }
  }
}

void Reader::ReadValues(bool fuzzy) {
  // Longest values first, so "add to cart" wins over a value "cart".
  std::vector<const TableVocabulary::Value*> order;
  for (const auto& val : v_.values) order.push_back(&val);
  std::stable_sort(order.begin(), order.end(),
                   [](auto* a, auto* b) { return a->words.size() > b->words.size(); });
  for (size_t i = 0; i < t_.size(); ++i) {
    if (!Free(i) || t_[i].kind == Token::Kind::kNumber) continue;
    const TableVocabulary::Value* hit = nullptr;
    size_t width = 0;
    for (const auto* val : order) {
      size_t n =
          t_[i].kind == Token::Kind::kWord && (t_[i].text == val->lower || t_[i].text == val->word) ? 1 : 0;
      if (!n) n = MatchWords(i, val->words, fuzzy);
      if (n > width) {
        hit = val;
        width = n;
      }
      if (width > 0 && !fuzzy) break;
    }
    if (!hit && t_[i].kind == Token::Kind::kWord) {
      if (auto syn = Thesaurus().find(t_[i].stem); syn != Thesaurus().end())
        for (const auto* val : order) {
          std::string joined;
          for (const auto& w : val->words) joined += (joined.empty() ? "" : " ") + w;
          if (joined == syn->second) {
            hit = val;
            width = 1;
            break;
          }
        }
    }
    if (!hit) continue;
    // Negation within the two words before: "not from mobile", "excluding electronics".
    bool negated = false;
    for (size_t k = i; k-- > 0 && k + 3 >= i;) {
      if (Is(k, {"not", "except", "excluding", "exclude", "without", "non", "no", "but"})) {
        negated = true;
        used_[k] = true;
        break;
      }
      if (!Is(k, {"from", "on", "in", "the", "of", "for", "by", "than", "other"})) break;
      if (Is(k, {"other"})) used_[k] = true;
    }
    values_.push_back({i, hit->column, hit->value, negated});
    for (size_t k = i; k < i + width; ++k) value_tokens_.insert(k);
    Use(i, i + width);
    i += width - 1;
  }
}

void Reader::ReadGrouping() {
  for (size_t i = 0; i < t_.size(); ++i) {
    if (!Free(i)) continue;
    size_t j = i;
    if (Is(i, {"by", "per", "across"})) {
      j = i + 1;
    } else if (Is(i, {"for", "broken", "split", "grouped", "breakdown"}) && i + 1 < t_.size() &&
               Is(i + 1, {"each", "every", "down", "by"})) {
      j = i + 2;
      if (j < t_.size() && Is(j, {"by"})) ++j;
    } else if (Is(i, {"each", "every"})) {
      j = i + 1;
    } else {
      continue;
    }
    j = Skip(j, {"each", "every"});
    for (;;) {
      auto c = ColumnAt(j, true);
      if (!c || Col(c->column).role == Role::kNumber || Col(c->column).role == Role::kTime) break;
      groups_.push_back(c->column);
      Use(i, j + c->length);
      j = c->pos + c->length;
      if (j < t_.size() && Is(j, {"and"}) && ColumnAt(j + 1, true)) {
        used_[j] = true;
        ++j;
        continue;
      }
      break;
    }
  }
  // "A vs B": two values of one column compared side by side.
  for (size_t i = 0; i + 1 < values_.size(); ++i) {
    const auto& a = values_[i];
    const auto& b = values_[i + 1];
    if (a.column != b.column || b.pos < a.pos + 2) continue;
    bool vs = false;
    for (size_t k = a.pos + 1; k < b.pos; ++k) vs = vs || Is(k, {"vs", "versus"});
    if (!vs) continue;
    groups_.push_back(a.column);
    for (size_t k = a.pos + 1; k < b.pos; ++k) used_[k] = true;
    values_.erase(values_.begin() + static_cast<long>(i), values_.begin() + static_cast<long>(i) + 2);
    break;
  }
}

void Reader::ReadColumnMentions() {
  for (size_t i = 0; i < t_.size(); ++i) {
    if (!Free(i)) continue;
    if (auto c = ColumnAt(i, true)) {
      mentions_.push_back(*c);
      Use(i, i + c->length);
      i += c->length - 1;
    }
  }
}

std::string Reader::Where() const {
  std::vector<std::string> conds;
  // Values: one condition per column (several values of a column: IN).
  std::map<std::pair<size_t, bool>, std::vector<std::string>> by_column;
  std::vector<std::pair<size_t, bool>> order;
  for (const auto& m : values_) {
    auto key = std::make_pair(m.column, m.negated);
    if (!by_column.count(key)) order.push_back(key);
    auto& list = by_column[key];
    if (std::find(list.begin(), list.end(), m.value) == list.end()) list.push_back(m.value);
  }
  for (const auto& key : order) {
    const auto& list = by_column[key];
    const std::string& name = Col(key.first).name;
    if (list.size() == 1) {
      conds.push_back(fmt::format("{} {} {}", name, key.second ? "!=" : "=", QuoteString(list[0])));
    } else {
      std::string in;
      for (const auto& x : list) in += (in.empty() ? "" : ", ") + QuoteString(x);
      conds.push_back(fmt::format("{} {}IN ({})", name, key.second ? "NOT " : "", in));
    }
  }
  conds.insert(conds.end(), term_conditions_.begin(), term_conditions_.end());
  if (metric_ && !metric_->filter.empty()) conds.push_back(metric_->filter);
  conds.insert(conds.end(), where_.begin(), where_.end());
  std::string out;
  for (const auto& c : conds) out += (out.empty() ? "" : " AND ") + c;
  return out;
}

Answer Reader::Run() {
  Answer a;
  ReadTable();
  ReadQuoted();
  ReadTerms();
  ReadTime();
  ReadTrend();
  ReadListing();
  ReadIds();
  ReadAggregation();
  ReadRanking();
  ReadComparisons();
  ReadValues(false);
  ReadGrouping();
  ReadValues(true);
  ReadColumnMentions();

  // Share and ratio: "share of A made on B" keeps A as the rows and counts B among them.
  std::string measure, label;
  std::vector<ValueMatch> filters = values_;
  if (agg_ == "share" || agg_ == "ratio") {
    std::vector<ValueMatch> after;
    for (auto it = filters.begin(); it != filters.end();)
      if (it->pos > share_pos_) {
        after.push_back(*it);
        it = filters.erase(it);
      } else {
        ++it;
      }
    auto cond = [&](const ValueMatch& m) {
      return fmt::format("{} {} {}", Col(m.column).name, m.negated ? "!=" : "=", QuoteString(m.value));
    };
    if (agg_ == "ratio" && after.size() >= 2) {
      measure = fmt::format("countIf({}) / countIf({})", cond(after[0]), cond(after[1]));
      label = fmt::format("the ratio of {} to {}", after[0].value, after[1].value);
    } else if (!after.empty()) {
      // The first value right after "of" names the rows, when another value follows.
      size_t first = 0;
      if (after.size() >= 2 && after[0].pos <= share_pos_ + 3) {
        filters.push_back(after[0]);
        first = 1;
      }
      std::string c;
      for (size_t k = first; k < after.size(); ++k) c += (c.empty() ? "" : " AND ") + cond(after[k]);
      measure = fmt::format("{}countIf({}) / count()", percent_ ? "100 * " : "", c);
      label = fmt::format("the {} of rows where {}", percent_ ? "percentage" : "share", c);
    }
  }
  values_ = filters;

  // A trend over the last N units of its own bucket covers N whole buckets.
  if (!bucket_name_.empty() && bucket_name_ == rel_unit_ && rel_where_ >= 0 && rel_count_ > 0) {
    static const std::map<std::string, std::pair<const char*, const char*>> kStart = {
        {"minute", {"toStartOfMinute(now())", "MINUTE"}},
        {"hour", {"toStartOfHour(now())", "HOUR"}},
        {"day", {"toStartOfDay(now())", "DAY"}},
        {"week", {"toStartOfWeek(now(), 1)", "WEEK"}},
        {"month", {"toStartOfMonth(now())", "MONTH"}}};
    if (auto it = kStart.find(rel_unit_); it != kStart.end())
      where_[rel_where_] = fmt::format("{} >= {} - INTERVAL {} {}", TimeCol(), it->second.first,
                                       rel_count_ - 1, it->second.second);
  }

  // Columns named without a role: an aggregate's target, a group (ranking or "which X"), or a count of
  // distinct ids ("how many users").
  for (const auto& m : mentions_) {
    const auto& col = Col(m.column);
    const bool plural = t_[m.pos + m.length - 1].text.back() == 's';
    if (col.role == Role::kNumber && agg_column_ < 0 && !agg_.empty() && agg_ != "count" && agg_ != "share") {
      agg_column_ = static_cast<int>(m.column);
    } else if ((col.role == Role::kCategory || col.role == Role::kId) &&
               (rank_ || (m.pos > 0 && Is(m.pos - 1, {"which", "what"}))) &&
               std::find(groups_.begin(), groups_.end(), m.column) == groups_.end() && groups_.empty()) {
      groups_.insert(groups_.begin(), m.column);
      plural_group_ = plural;
      rank_ = true;
    } else if (col.role == Role::kId && (agg_ == "count" || agg_.empty()) && agg_column_ < 0 && !list_rows_ &&
               !(m.pos > 0 && value_tokens_.count(m.pos - 1)) && (agg_.empty() || m.pos <= agg_pos_ + 3)) {
      // "how many users": distinct ids; not "how many events from new users".
      agg_ = "uniqExact";
      agg_column_ = static_cast<int>(m.column);
    } else if (col.role == Role::kCategory && (agg_ == "count" || agg_ == "uniqExact") && agg_column_ < 0 &&
               m.pos > agg_pos_ && m.pos <= agg_pos_ + 3) {
      agg_ = "uniqExact";  // "how many brands are there"
      agg_column_ = static_cast<int>(m.column);
    }
  }
  if (agg_ == "sum" && agg_column_ < 0) agg_column_ = MoneyColumn();

  // Confidence: the share of meaningful words claimed.
  size_t meaningful = 0, claimed = 0;
  std::vector<std::string> unknown;
  for (size_t i = 0; i < t_.size(); ++i) {
    if (t_[i].kind == Token::Kind::kWord &&
        (IsStopWord(t_[i].text) ||
         Is(i,
            {"show", "list", "give",   "tell", "display", "want",      "see",      "find",  "people", "use",
             "used", "are",  "bought", "buy",  "sold",    "something", "anything", "there", "exist",  "vs"})))
      continue;
    ++meaningful;
    if (used_[i]) {
      ++claimed;
    } else {
      unknown.push_back(t_[i].text);
    }
  }
  a.confidence = meaningful == 0 ? 0 : static_cast<double>(claimed) / static_cast<double>(meaningful);

  // The SQL.
  const std::string table = v_.table;
  const std::string where = Where();
  const std::string where_sql = where.empty() ? "" : " WHERE " + where;
  std::string sql;
  std::vector<std::string> explain;
  if (distinct_column_ >= 0) {
    const std::string& c = Col(distinct_column_).name;
    sql = fmt::format("SELECT DISTINCT {0} FROM {1}{2} ORDER BY {0}", c, table, where_sql);
    explain.push_back(fmt::format("Lists the distinct values of {}", c));
  } else if (list_rows_ && agg_.empty() && groups_.empty() && bucket_.empty()) {
    const std::string order = TimeCol().empty() ? "" : fmt::format(" ORDER BY {} DESC", TimeCol());
    sql = fmt::format("SELECT * FROM {}{}{} LIMIT {}", table, where_sql, order, list_limit_);
    explain.push_back(fmt::format("Shows the {} latest rows of {}", list_limit_, table));
  } else {
    if (measure.empty() && metric_) {
      measure = metric_->expression;
      label = metric_->name;
    }
    if (measure.empty()) {
      const std::string target = agg_column_ >= 0 ? Col(agg_column_).name : "";
      if (agg_.empty() || agg_ == "count" || agg_ == "share" || agg_ == "ratio" || target.empty()) {
        if (agg_ == "uniqExact" && !target.empty()) {
          measure = fmt::format("uniqExact({})", target);
          label = "distinct " + target;
        } else {
          measure = "count()";
          label = "the number of rows";
        }
      } else if (agg_ == "quantile") {
        measure = fmt::format("quantile({})({})", quantile_, target);
        label = fmt::format("the {}th percentile of {}", quantile_ * 100, target);
      } else {
        measure = fmt::format("{}({})", agg_, target);
        static const std::map<std::string, std::string> kNames = {
            {"sum", "the total"},   {"avg", "the average"},   {"min", "the minimum"},
            {"max", "the maximum"}, {"median", "the median"}, {"uniqExact", "the number of distinct"}};
        label = fmt::format("{} {}", kNames.count(agg_) ? kNames.at(agg_) : agg_, target);
      }
    }
    std::vector<std::string> keys;
    if (!bucket_.empty()) keys.push_back(fmt::format("{} AS {}", bucket_, bucket_name_));
    for (size_t g : groups_) keys.push_back(Col(g).name);
    std::string select;
    for (const auto& k : keys) select += k + ", ";
    const bool ranked = rank_ && !groups_.empty();
    select += ranked ? measure + " AS value" : measure;
    sql = fmt::format("SELECT {} FROM {}{}", select, table, where_sql);
    std::string group;
    if (!bucket_.empty()) group += bucket_name_;
    for (size_t g : groups_) group += (group.empty() ? "" : ", ") + Col(g).name;
    if (!group.empty()) sql += " GROUP BY " + group;
    if (ranked) {
      const int n = limit_ > 0 ? limit_ : (plural_group_ ? 10 : 1);
      sql += fmt::format(" ORDER BY value {} LIMIT {}", desc_ ? "DESC" : "ASC", n);
      explain.push_back(fmt::format("Ranks {} by {} ({} {})", group, label, desc_ ? "top" : "bottom", n));
    } else if (!group.empty()) {
      sql += " ORDER BY " + group;
      explain.push_back(fmt::format("Computes {} per {}", label, group));
    } else {
      explain.push_back(fmt::format("Computes {}", label));
    }
  }
  if (!where.empty()) explain.push_back("where " + where);
  a.sql = sql;
  for (const auto& e : explain) a.explanation += (a.explanation.empty() ? "" : ", ") + e;
  a.explanation += ".";
  a.answered = a.confidence >= QuestionParser::kMinConfidence && (table_named_ || claimed > 0);
  if (!a.answered) {
    for (const auto& w : unknown) {
      std::string best;
      int best_d = 3;
      auto consider = [&](const std::string& candidate) {
        const int d = BoundedEditDistance(Stem(w), Stem(candidate), 2);
        if (d < best_d) {
          best_d = d;
          best = candidate;
        }
      };
      for (const auto& c : v_.columns) consider(c.name);
      for (const auto& val : v_.values) consider(val.value);
      a.suggestions.push_back(best.empty() ? fmt::format("'{}' is not a column or value of {}", w, table)
                                           : fmt::format("'{}': did you mean '{}'?", w, best));
    }
  }
  return a;
}

}  // namespace

TableVocabulary TableVocabulary::Make(
    const storage::TableSchema& schema,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& values,
    const std::vector<Term>& terms) {
  TableVocabulary v;
  v.table = schema.name;
  std::set<std::string> id_entities;
  for (const auto& c : schema.columns) {
    auto words = IdentifierWords(c.name);
    if (words.size() == 2 && words[1] == "id") id_entities.insert(words[0]);
  }
  for (const auto& c : schema.columns) {
    Column col;
    col.name = c.name;
    const DataType& base = c.type->Base();
    auto words = IdentifierWords(c.name);
    const bool id = words.size() >= 2 && words.back() == "id";
    if (base.IsTime()) {
      col.role = Column::Role::kTime;
      if (v.time_column < 0) v.time_column = static_cast<int>(v.columns.size());
    } else if (id) {
      col.role = Column::Role::kId;
      col.integer = base.IsInteger();
    } else if (base.IsInteger() || base.IsFloat()) {
      col.role = Column::Role::kNumber;
      col.integer = base.IsInteger();
    } else {
      col.role = Column::Role::kText;
      for (const auto& [name, list] : values)
        if (name == c.name) col.role = Column::Role::kCategory;
    }
    col.names.push_back(Stems(words));
    if (words.size() >= 2 && (id || !id_entities.count(words[0]))) col.names.push_back({Stem(words[0])});
    if (col.role == Column::Role::kTime) {
      for (const char* w : {"time", "date", "timestamp"}) col.names.push_back({Stem(w)});
    }
    v.columns.push_back(std::move(col));
  }
  for (const auto& term : terms) {
    auto words = Stems(IdentifierWords(term.name));
    if (term.metric) {
      v.metrics.push_back({term.name, term.expression, term.filter, std::move(words)});
      continue;
    }
    Synonym syn{term.name, -1, "", std::move(words)};
    for (size_t c = 0; c < v.columns.size(); ++c)
      if (v.columns[c].name == term.expression) syn.column = static_cast<int>(c);
    if (syn.column < 0) syn.condition = term.expression;
    v.synonyms.push_back(std::move(syn));
  }
  for (const auto& [name, list] : values) {
    size_t index = 0;
    for (; index < v.columns.size(); ++index)
      if (v.columns[index].name == name) break;
    if (index == v.columns.size()) continue;
    for (const auto& value : list) {
      if (value.empty()) continue;
      const auto words = IdentifierWords(value);
      std::string lower = value;
      for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      v.values.push_back({index, value, Stems(words), lower, words.size() == 1 ? words[0] : ""});
    }
  }
  return v;
}

Answer QuestionParser::Parse(std::string_view question) const {
  Reader r(v_, question);
  return r.Run();
}

}  // namespace aurora::nl
