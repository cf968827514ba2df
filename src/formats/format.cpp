#include "formats/format.h"

#include <cctype>
#include <string>
#include <vector>

#include "common/strings.h"

namespace aurora::formats {

namespace {

struct NamedFormat {
  std::string_view name;
  Format format;
  bool input;
};

constexpr NamedFormat kFormats[] = {
    {"JSONEachRow", Format::kJSONEachRow, true},
    {"CSV", Format::kCSV, true},
    {"CSVWithNames", Format::kCSVWithNames, true},
    {"TSV", Format::kTabSeparated, true},
    {"TabSeparated", Format::kTabSeparated, true},
    {"TSVWithNames", Format::kTabSeparatedWithNames, true},
    {"TabSeparatedWithNames", Format::kTabSeparatedWithNames, true},
    {"TSVWithNamesAndTypes", Format::kTabSeparatedWithNamesAndTypes, false},
    {"TabSeparatedWithNamesAndTypes", Format::kTabSeparatedWithNamesAndTypes, false},
    {"JSON", Format::kJSON, false},
    {"JSONCompact", Format::kJSONCompact, false},
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

Result<Format> Lookup(std::string_view name, bool input) {
  std::vector<std::string> names;
  for (const auto& f : kFormats) {
    if (input && !f.input) continue;
    // Case-insensitive, as in current ClickHouse.
    if (EqualsIgnoreCase(f.name, name)) return f.format;
    names.emplace_back(f.name);
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return AURORA_ERROR(kInvalidArgument, "unknown {} format '{}'{}; supported: {}", input ? "input" : "output",
                      name, DidYouMean(name, names), list);
}

}  // namespace

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kJSONEachRow:
      return "JSONEachRow";
    case Format::kCSV:
      return "CSV";
    case Format::kCSVWithNames:
      return "CSVWithNames";
    case Format::kTabSeparated:
      return "TabSeparated";
    case Format::kTabSeparatedWithNames:
      return "TabSeparatedWithNames";
    case Format::kTabSeparatedWithNamesAndTypes:
      return "TabSeparatedWithNamesAndTypes";
    case Format::kJSON:
      return "JSON";
    case Format::kJSONCompact:
      return "JSONCompact";
  }
  return "?";
}

Result<Format> InputFormat(std::string_view name) {
  return Lookup(name, /*input=*/true);
}

Result<Format> OutputFormat(std::string_view name) {
  return Lookup(name, /*input=*/false);
}

}  // namespace aurora::formats
