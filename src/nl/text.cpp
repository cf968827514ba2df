#include "nl/text.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <set>
#include <unordered_map>

namespace aurora::nl {

namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::vector<Token> Tokenize(std::string_view q) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < q.size()) {
    const char c = q[i];
    // General punctuation (U+2000..U+206F: dashes, quotation marks, ellipsis) separates words.
    if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < q.size() &&
        (static_cast<unsigned char>(q[i + 1]) == 0x80 || static_cast<unsigned char>(q[i + 1]) == 0x81)) {
      i += 3;
      continue;
    }
    if (c == '\'' || c == '"') {
      // A quoted value, unless it is an apostrophe inside a word ("o'reilly", "what's").
      const bool inside_word = c == '\'' && i > 0 && IsWordChar(q[i - 1]);
      const size_t close = q.find(c, i + 1);
      if (!inside_word && close != std::string_view::npos && close > i + 1) {
        Token t;
        t.kind = Token::Kind::kQuoted;
        t.text = std::string(q.substr(i + 1, close - i - 1));
        t.begin = i;
        t.end = close + 1;
        out.push_back(std::move(t));
        i = close + 1;
        continue;
      }
      ++i;
      continue;
    }
    if (i + 10 <= q.size() && std::isdigit(static_cast<unsigned char>(c)) && q[i + 4] == '-' &&
        q[i + 7] == '-' && std::all_of(q.begin() + i, q.begin() + i + 4, ::isdigit) &&
        std::isdigit(static_cast<unsigned char>(q[i + 5])) &&
        std::isdigit(static_cast<unsigned char>(q[i + 6])) &&
        std::isdigit(static_cast<unsigned char>(q[i + 8])) &&
        std::isdigit(static_cast<unsigned char>(q[i + 9]))) {
      Token t;  // a date, YYYY-MM-DD, kept whole
      t.kind = Token::Kind::kQuoted;
      t.text = std::string(q.substr(i, 10));
      t.begin = i;
      t.end = i + 10;
      out.push_back(std::move(t));
      i += 10;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i + 1 < q.size() && std::isdigit(static_cast<unsigned char>(q[i + 1])))) {
      size_t j = i;
      std::string digits;
      bool fraction = false;
      while (j < q.size()) {
        if (std::isdigit(static_cast<unsigned char>(q[j]))) {
          digits += q[j++];
        } else if (q[j] == ',' && j + 3 < q.size() + 0 && j + 3 <= q.size() &&
                   std::all_of(q.begin() + j + 1, q.begin() + j + 4,
                               [](char d) { return std::isdigit(static_cast<unsigned char>(d)); }) &&
                   (j + 4 == q.size() || !std::isdigit(static_cast<unsigned char>(q[j + 4])))) {
          ++j;  // a thousands separator
        } else if (q[j] == '.' && !fraction && j + 1 < q.size() &&
                   std::isdigit(static_cast<unsigned char>(q[j + 1]))) {
          fraction = true;
          digits += q[j++];
        } else {
          break;
        }
      }
      double value = std::strtod(digits.c_str(), nullptr);
      // A suffix: "10k", "2m" (million only after a number with no unit meaning: minutes are words).
      std::string suffix;
      size_t k = j;
      while (k < q.size() && IsWordChar(q[k]))
        suffix += static_cast<char>(std::tolower(static_cast<unsigned char>(q[k++])));
      if (suffix == "k") {
        value *= 1000;
        j = k;
      } else if (suffix == "th" || suffix == "st" || suffix == "nd" || suffix == "rd") {
        j = k;  // "95th"
      } else if (!suffix.empty()) {
        // "p95" is handled as a word; "5m" stays a number followed by the word "m".
      }
      Token t;
      t.kind = Token::Kind::kNumber;
      t.text = std::string(q.substr(i, j - i));
      t.number = value;
      t.integer = !fraction && value < 9e15 && value == std::floor(value);  // exact in a 64-bit integer
      t.begin = i;
      t.end = j;
      out.push_back(std::move(t));
      i = j;
      continue;
    }
    if (IsWordChar(c)) {
      size_t j = i;
      while (j < q.size() && (IsWordChar(q[j]) ||
                              ((q[j] == '-' || q[j] == '\'') && j + 1 < q.size() && IsWordChar(q[j + 1]))))
        ++j;
      Token t;
      t.text = Lower(q.substr(i, j - i));
      // "what's" -> "what", "brand's" -> "brand"
      if (t.text.size() > 2 && t.text.substr(t.text.size() - 2) == "'s") t.text.resize(t.text.size() - 2);
      t.stem = Stem(t.text);
      t.begin = i;
      t.end = j;
      out.push_back(std::move(t));
      i = j;
      continue;
    }
    ++i;  // punctuation and spaces
  }
  return out;
}

std::string Stem(std::string_view word) {
  static const std::unordered_map<std::string, std::string> kIrregular = {
      {"bought", "buy"},     {"sold", "sell"}, {"spent", "spend"}, {"made", "make"}, {"people", "person"},
      {"children", "child"}, {"men", "man"},   {"women", "woman"}, {"data", "data"}, {"was", "was"},
      {"has", "has"},        {"is", "is"},     {"does", "do"}};
  std::string w = Lower(word);
  if (auto it = kIrregular.find(w); it != kIrregular.end()) return it->second;
  if (w.size() <= 3) return w;
  auto ends = [&](std::string_view s) {
    return w.size() > s.size() + 1 && w.compare(w.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("ies")) {
    w.replace(w.size() - 3, 3, "y");
  } else if (ends("sses")) {
    w.resize(w.size() - 2);
  } else if (ends("ss") || ends("us") || ends("is")) {
    // "less", "status", "analysis": not plurals
  } else if (ends("es") && (ends("ches") || ends("shes") || ends("xes") || ends("zes"))) {
    w.resize(w.size() - 2);
  } else if (ends("s")) {
    w.resize(w.size() - 1);
  }
  if (ends("ing") && w.size() > 5) {
    w.resize(w.size() - 3);
  } else if (ends("ied")) {
    w.replace(w.size() - 3, 3, "y");
  } else if (ends("ed") && w.size() > 4) {
    w.resize(w.size() - 2);
  }
  if (w.size() > 3 && w.back() == 'e') w.pop_back();
  // A doubled last consonant left by -ing / -ed ("shipped" -> "shipp" -> "ship").
  if (w.size() > 3 && w[w.size() - 1] == w[w.size() - 2] && !std::strchr("aeiouls", w.back())) w.pop_back();
  return w;
}

std::vector<std::string> IdentifierWords(std::string_view name) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(Lower(cur));
    cur.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '_' || c == '-' || c == '.' || c == ' ' || c == '/') {
      flush();
      continue;
    }
    if (std::isupper(static_cast<unsigned char>(c)) && i > 0 &&
        std::islower(static_cast<unsigned char>(name[i - 1])))
      flush();
    cur += c;
  }
  flush();
  return out;
}

int AllowedTypos(size_t length) {
  return length <= 3 ? 0 : length <= 7 ? 1 : 2;
}

bool IsStopWord(std::string_view word) {
  static const std::set<std::string, std::less<>> kStop = {
      "a",     "an",    "the",   "of",     "in",    "on",     "at",       "for",  "to",   "is",
      "are",   "was",   "were",  "be",     "been",  "me",     "my",       "i",    "we",   "our",
      "us",    "you",   "your",  "please", "what",  "whats",  "which",    "do",   "does", "did",
      "there", "their", "that",  "this",   "these", "those",  "give",     "tell", "get",  "want",
      "see",   "find",  "can",   "could",  "would", "it",     "its",      "and",  "with", "from",
      "made",  "make",  "have",  "has",    "had",   "all",    "some",     "any",  "by",   "per",
      "each",  "every", "how",   "many",   "much",  "who",    "whom",     "as",   "than", "then",
      "so",    "just",  "about", "like",   "done",  "happen", "happened", "kind", "kinds"};
  return kStop.count(word) > 0;
}

}  // namespace aurora::nl
