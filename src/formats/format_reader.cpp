#include "formats/format_reader.h"

#include <unordered_set>

#include "formats/delimited_reader.h"
#include "formats/field_converter.h"
#include "formats/json_each_row_reader.h"

namespace aurora::formats {

namespace {

// Cuts `column` back to its first `rows` rows (values appended after a row started are taken back).
void Truncate(Column& column, size_t rows) {
  if (column.size() <= rows) return;
  const ColumnLayout& l = column.layout();
  switch (l.kind) {
    case ColumnLayout::Kind::kFixed:
      column.data.resize(rows * l.width);
      break;
    case ColumnLayout::Kind::kDictionary:
      column.data.resize(rows * 4);
      break;
    case ColumnLayout::Kind::kString:
      column.offsets.resize(rows);
      column.chars.resize(rows == 0 ? 0 : column.offsets[rows - 1]);
      break;
    case ColumnLayout::Kind::kArray:
      column.offsets.resize(rows);
      Truncate(column.mutable_child(), rows == 0 ? 0 : column.offsets[rows - 1]);
      break;
  }
  if (column.nulls.size() > rows) column.nulls.resize(rows);
  column.SetSizeUnsafe(rows);
}

}  // namespace

FormatReader::FormatReader(std::vector<InputColumn> columns, ReadOptions options)
    : inputs_(std::move(columns)), options_(options) {
  for (const auto& in : inputs_) columns_.push_back(std::make_shared<Column>(in.type));
  for (size_t i = 0; i < inputs_.size(); ++i) converters_.emplace_back(inputs_[i], columns_[i].get());
}

FormatReader::~FormatReader() = default;

Result<std::unique_ptr<FormatReader>> FormatReader::Make(Format format, std::vector<InputColumn> columns,
                                                         ReadOptions options) {
  std::unordered_set<std::string_view> names;
  for (const auto& c : columns) {
    if (!c.type) return AURORA_ERROR(kInvalidArgument, "column '{}' has no type", c.name);
    if (c.type->IsArray())
      return AURORA_ERROR(kNotSupported, "column '{}': Array columns cannot be read from text formats yet",
                          c.name);
    if (!names.insert(c.name).second)
      return AURORA_ERROR(kInvalidArgument, "column '{}' is listed twice", c.name);
  }
  switch (format) {
    case Format::kJSONEachRow:
      return MakeJsonEachRowReader(std::move(columns), options);
    case Format::kCSV:
    case Format::kCSVWithNames:
    case Format::kTabSeparated:
    case Format::kTabSeparatedWithNames:
      return MakeDelimitedReader(format, std::move(columns), options);
    default:
      return AURORA_ERROR(kInvalidArgument, "format {} can be written but not read", FormatName(format));
  }
}

Status FormatReader::Read(std::string_view data) {
  const size_t rows_before = num_rows_;
  const size_t bad_before = bad_rows_.size();
  strict_error_ = Status::OK();
  // A UTF-8 byte order mark is not data.
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  Status st = ReadRows(data);
  if (st.ok()) st = strict_error_;
  if (!st.ok()) {
    num_rows_ = rows_before;
    DropPartialRow();
    bad_rows_.resize(bad_before);
  }
  return st;
}

bool FormatReader::OnBadRow(const RowError& error, uint64_t first_line, std::string_view text) {
  DropPartialRow();
  if (options_.errors == ErrorMode::kStrict) {
    strict_error_ = Status(ErrorCode::kInvalidArgument, FormatError(error));
    return false;
  }
  bad_rows_.push_back(BadRow{first_line, std::string(text), FormatError(error)});
  return true;
}

void FormatReader::DropPartialRow() {
  for (auto& c : columns_) Truncate(*c, num_rows_);
}

int FormatReader::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < inputs_.size(); ++i)
    if (inputs_[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string FormatReader::FormatError(const RowError& e) const {
  std::string out = fmt::format("line {}", e.line);
  if (e.column > 0) out += fmt::format(", column {}", e.column);
  if (e.field >= 0) out += fmt::format(", field '{}'", inputs_[e.field].name);
  out += ": ";
  out += e.message;
  return out;
}

Chunk FormatReader::TakeChunk() {
  Chunk chunk;
  for (size_t i = 0; i < inputs_.size(); ++i) {
    chunk.names.push_back(inputs_[i].name);
    chunk.columns.push_back(std::move(columns_[i]));
    columns_[i] = std::make_shared<Column>(inputs_[i].type);
    converters_[i].set_column(columns_[i].get());
  }
  chunk.num_rows = num_rows_;
  num_rows_ = 0;
  return chunk;
}

std::vector<BadRow> FormatReader::TakeBadRows() {
  std::vector<BadRow> out;
  out.swap(bad_rows_);
  return out;
}

Result<ReadResult> ReadRows(std::string_view format, std::string_view data, std::vector<InputColumn> columns,
                            ReadOptions options) {
  AURORA_ASSIGN_OR_RETURN(Format f, InputFormat(format));
  AURORA_ASSIGN_OR_RETURN(auto reader, FormatReader::Make(f, std::move(columns), options));
  AURORA_RETURN_IF_ERROR(reader->Read(data));
  ReadResult r;
  r.chunk = reader->TakeChunk();
  r.bad_rows = reader->TakeBadRows();
  return r;
}

}  // namespace aurora::formats
