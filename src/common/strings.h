// Text helpers: name suggestions ("did you mean 'price'?"), edit distances, sizes, SQL string literals.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace aurora {

// Levenshtein distance between a and b.
size_t EditDistance(std::string_view a, std::string_view b);

// The Damerau-Levenshtein distance (an adjacent transposition counts one edit) between a and b, or
// max + 1 as soon as it is known to be more than max (spelling mistakes in questions).
int BoundedEditDistance(std::string_view a, std::string_view b, int max);

// `text` as an SQL string literal: in single quotes, quotes and backslashes escaped, newlines as \n.
std::string QuoteString(std::string_view text);

// The candidate closest to `name` within `max_distance` edits, or "" when none is that close.
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates,
                        size_t max_distance = 2);

// " (did you mean 'x'?)" for the closest candidate, or "".
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

// "12.5 MiB": a byte count in binary units with one decimal ("512 B" below a KiB).
std::string HumanBytes(uint64_t bytes);

}  // namespace aurora
