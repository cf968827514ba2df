// The words of a question, and the word-level matching the natural-language engine builds on: tokens
// with their stems, the words inside identifiers and values ("device_type", "add_to_cart", "us-west"),
// and how many spelling mistakes a word may have (common/strings.h measures them).
//
// Stemming is deliberately light and symmetric: the same rules apply to the question and to the schema,
// so "purchases", "purchased" and "purchase" all become "purchas", and "categories" and "category" both
// become "category". A few irregular English forms that questions use ("bought", "sold") are mapped to
// their base verbs.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace aurora::nl {

struct Token {
  enum class Kind { kWord, kNumber, kQuoted };
  Kind kind = Kind::kWord;
  std::string text;   // lowercased (quoted: as written, without the quotes)
  std::string stem;   // Stem(text) for words
  double number = 0;  // kNumber: the value ("1,000" is 1000, "10k" 10000)
  bool integer = false;
  size_t begin = 0, end = 0;  // byte offsets in the question
};

// Splits a question into words, numbers and quoted strings. Punctuation separates tokens and is dropped,
// except inside words ("us-west", "add_to_cart", "o'reilly") and numbers ("3.5", "1,000").
std::vector<Token> Tokenize(std::string_view question);

// The stem of a lowercase word (see above).
std::string Stem(std::string_view word);

// The lowercase words inside an identifier or value: split on '_', '-', '.', ' ' and lower-to-upper case
// changes ("userId" -> user, id).
std::vector<std::string> IdentifierWords(std::string_view name);

// The edit distance a word of this length may be from a known word and still be taken for it: 0 up to 3
// letters, 1 up to 7, 2 beyond.
int AllowedTypos(size_t length);

// Words that carry no meaning of their own in a question ("the", "of", "me", "show" is not one of them).
bool IsStopWord(std::string_view word);

}  // namespace aurora::nl
