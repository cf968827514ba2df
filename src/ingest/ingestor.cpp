#include "ingest/ingestor.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "common/strings.h"
#include "formats/field_converter.h"
#include "ingest/schema_inference.h"

namespace aurora::ingest {

namespace {

constexpr size_t kMaxErrorTextBytes = 1024;

bool IsKeyColumn(const storage::TableSchema& s, std::string_view name) {
  return std::find(s.order_by.begin(), s.order_by.end(), name) != s.order_by.end() ||
         (s.partition_by.kind != storage::PartitionSpec::Kind::kNone && s.partition_by.column == name) ||
         (s.ttl && s.ttl->column == name);
}

// The table's columns as reader targets. A time column of the key must be in every row: a row without it
// would otherwise be stored at 1970-01-01.
std::vector<formats::InputColumn> InputsFor(const storage::TableSchema& s) {
  std::vector<formats::InputColumn> out;
  out.reserve(s.columns.size());
  for (const auto& c : s.columns) {
    formats::InputColumn in{c.name, c.type, {}};
    in.required = c.type->IsTime() && IsKeyColumn(s, c.name);
    out.push_back(std::move(in));
  }
  return out;
}

// Columns `names` as Nullable(String) that take '' when a row does not give them: a row's fields as text.
std::vector<formats::InputColumn> TextInputs(const std::vector<std::string>& names) {
  std::vector<formats::InputColumn> out;
  for (const auto& n : names)
    out.push_back({n, DataType::Nullable(DataType::Make(TypeId::kString)), Value(std::string())});
  return out;
}

DataTypePtr MakeNullable(const DataTypePtr& t) {
  if (t->IsNullable()) return t;
  if (t->IsLowCardinality()) return DataType::LowCardinality(DataType::Nullable(t->nested()));
  return DataType::Nullable(t);
}

// The header line of CSVWithNames data and the names in it.
Status SplitCsvHeader(std::string_view data, std::string_view* line, std::vector<std::string>* names) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  size_t eol = data.find('\n');
  *line = data.substr(0, eol);
  std::string_view s = *line;
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  size_t i = 0;
  while (true) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::string name;
    if (i < s.size() && s[i] == '"') {
      ++i;
      while (true) {
        if (i >= s.size())
          return AURORA_ERROR(kInvalidArgument, "header: line 1: a quoted name does not end");
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            name += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        name += s[i++];
      }
      while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    } else {
      size_t start = i;
      while (i < s.size() && s[i] != ',') ++i;
      std::string_view raw = s.substr(start, i - start);
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
      name = std::string(raw);
    }
    if (!storage::IsValidIdentifier(name))
      return AURORA_ERROR(
          kInvalidArgument,
          "header: line 1: '{}' is not a valid column name (letters, digits and _, not starting "
          "with a digit)",
          formats::Excerpt(name));
    names->push_back(std::move(name));
    if (i >= s.size()) break;
    if (s[i] != ',')
      return AURORA_ERROR(kInvalidArgument, "header: line 1: expected ',' after column '{}'", names->back());
    ++i;
  }
  return Status::OK();
}

// `data` cut after about `max_rows` lines (for sampling; a cut inside a quoted field makes one bad row).
std::string_view FirstLines(std::string_view data, size_t max_rows) {
  size_t pos = 0;
  for (size_t n = 0; n <= max_rows && pos < data.size(); ++n) {
    size_t eol = data.find('\n', pos);
    if (eol == std::string_view::npos) return data;
    pos = eol + 1;
  }
  return data.substr(0, pos);
}

// Adds rows read as text (TextInputs) to `sample`; an empty field is one the row does not give. With
// `require_time`, only rows whose field of that name is a time.
void AddTextRows(const Chunk& chunk, Sample* sample, std::string_view require_time = {}) {
  std::vector<uint8_t> skip(chunk.num_rows, 0);
  size_t skipped = 0;
  if (int tc = chunk.IndexOf(std::string(require_time)); !require_time.empty() && tc >= 0) {
    const Column& col = *chunk.columns[tc];
    for (size_t r = 0; r < chunk.num_rows; ++r)
      if (col.IsNull(r) || !LooksLikeTime(col.StringAt(r))) skip[r] = 1, ++skipped;
  }
  for (size_t c = 0; c < chunk.columns.size(); ++c) {
    FieldStats& stats = sample->Field(chunk.names[c]);
    const Column& col = *chunk.columns[c];
    for (size_t r = 0; r < chunk.num_rows; ++r) {
      if (skip[r]) continue;
      if (col.IsNull(r)) {
        stats.Add(ValueKind::kNull);
        continue;
      }
      std::string_view text = col.StringAt(r);
      if (!text.empty()) stats.Add(ClassifyText(text), text);
    }
  }
  sample->rows += chunk.num_rows - skipped;
}

// "line N..." with N replaced by `line`.
std::string WithLine(const std::string& error, uint64_t line) {
  if (error.rfind("line ", 0) != 0) return error;
  size_t end = 5;
  while (end < error.size() && error[end] >= '0' && error[end] <= '9') ++end;
  return fmt::format("line {}{}", line, error.substr(end));
}

// Tries a value against a column type with the reader's own conversions.
class Trial {
 public:
  explicit Trial(const DataTypePtr& type)
      : column_(std::make_shared<Column>(type)), conv_(formats::InputColumn{"v", type, {}}, column_.get()) {}

  bool Json(simdjson::dom::element value) {
    std::string error;
    switch (value.type()) {
      case simdjson::dom::element_type::NULL_VALUE:
        return conv_.AppendNull(&error);
      case simdjson::dom::element_type::STRING:
        return conv_.AppendText(value.get_string().value_unsafe(), &error);
      case simdjson::dom::element_type::INT64:
        return Number(value, conv_.AppendInt64(value.get_int64().value_unsafe(), {}, &error));
      case simdjson::dom::element_type::UINT64:
        return Number(value, conv_.AppendUInt64(value.get_uint64().value_unsafe(), {}, &error));
      case simdjson::dom::element_type::DOUBLE:
        if (conv_.kind() == formats::FieldConverter::Kind::kFloat)
          return conv_.AppendDouble(value.get_double().value_unsafe(), {}, &error);
        return conv_.AppendText(simdjson::minify(value), &error);
      case simdjson::dom::element_type::BOOL:
        return conv_.AppendBool(value.get_bool().value_unsafe(), &error);
      case simdjson::dom::element_type::ARRAY:
      case simdjson::dom::element_type::OBJECT:
        return conv_.kind() == formats::FieldConverter::Kind::kString;
    }
    return false;
  }
  bool Text(std::string_view text) {
    std::string error;
    return conv_.AppendText(text, &error);
  }

 private:
  // Integers go through the text path for the column kinds the reader does that for.
  bool Number(simdjson::dom::element value, bool numeric_ok) {
    using K = formats::FieldConverter::Kind;
    if (conv_.kind() == K::kSigned || conv_.kind() == K::kUnsigned || conv_.kind() == K::kFloat)
      return numeric_ok;
    std::string error;
    return conv_.AppendText(simdjson::minify(value), &error);
  }

  ColumnPtr column_;
  formats::FieldConverter conv_;
};

// What the rows looked at again need from the schema.
struct Evolution {
  Sample new_fields;
  struct Widening {
    bool nullable = false;
    bool to_float = false;
  };
  std::map<std::string, Widening> widen;
  bool empty() const { return new_fields.fields().empty() && widen.empty(); }
};

}  // namespace

struct Ingestor::Batch {
  std::string name;
  std::string_view data;
  const IngestOptions* options = nullptr;
  formats::Format format = formats::Format::kJSONEachRow;
  std::shared_ptr<storage::Table> table;
  std::string_view header_line;             // CSVWithNames
  std::vector<std::string> header;          // CSVWithNames: the names; CSV: the table's columns
  std::vector<formats::BadRow> bad;         // rows the fast path could not read
  std::vector<formats::BadRow> quarantine;  // rows for NAME_quarantine
  IngestResult result;
  // With a source position: the fast pass's rows, held for the one Append of the batch.
  std::optional<Chunk> held;
  bool appended = false;
};

namespace {

// `a` and `b`, rows of `table` normalized to its schema, as one chunk.
Result<Chunk> Concat(const storage::Table& table, const Chunk& a, const Chunk& b) {
  AURORA_ASSIGN_OR_RETURN(Chunk x, table.Normalize(a));
  AURORA_ASSIGN_OR_RETURN(Chunk y, table.Normalize(b));
  if (x.columns.size() != y.columns.size())
    return AURORA_ERROR(kAborted, "table '{}' changed while a batch was ingested; try again", table.name());
  Chunk out;
  for (size_t c = 0; c < x.columns.size(); ++c) {
    auto col = std::make_shared<Column>(x.columns[c]->type());
    col->AppendRange(*x.columns[c], 0, x.num_rows);
    col->AppendRange(*y.columns[c], 0, y.num_rows);
    out.Add(x.names[c], std::move(col));
  }
  out.num_rows = x.num_rows + y.num_rows;
  return out;
}

}  // namespace

// Appends the batch's rows; with a source position, in the batch's one Append that records it.
Status Ingestor::AppendRows(Batch& b, const Chunk& chunk) {
  const IngestOptions& o = *b.options;
  if (o.position_source.empty()) {
    if (chunk.num_rows > 0) AURORA_RETURN_IF_ERROR(b.table->Append(chunk));
  } else if (b.held && b.held->num_rows > 0 && chunk.num_rows > 0) {
    AURORA_ASSIGN_OR_RETURN(Chunk all, Concat(*b.table, *b.held, chunk));
    AURORA_RETURN_IF_ERROR(b.table->Append(all, o.position_source, o.position));
  } else {
    const Chunk& rows = b.held && b.held->num_rows > 0 ? *b.held : chunk;
    AURORA_RETURN_IF_ERROR(b.table->Append(rows, o.position_source, o.position));
  }
  b.held.reset();
  b.appended = true;
  b.result.rows += chunk.num_rows;
  return Status::OK();
}

Ingestor::Ingestor(Catalog& catalog, Clock& clock) : catalog_(catalog), clock_(clock) {}

std::shared_ptr<std::mutex> Ingestor::SchemaLock(const std::string& name) {
  std::lock_guard lock(mu_);
  auto& m = schema_locks_[name];
  if (!m) m = std::make_shared<std::mutex>();
  return m;
}

storage::TableSchema Ingestor::QuarantineSchema(std::string name) {
  storage::TableSchema s;
  s.name = std::move(name);
  auto str = DataType::Make(TypeId::kString);
  s.columns = {
      {"received_at", DataType::DateTime64(3, "UTC"),
       storage::CodecSpec::Parse("DoubleDelta, ZSTD(1)").value(), "", "when the row was received"},
      {"source", DataType::LowCardinality(str), std::nullopt, "", "where the row came from (http, kafka)"},
      {"line", DataType::Make(TypeId::kUInt64), std::nullopt, "", "line of the row in its batch (1-based)"},
      {"error", str, std::nullopt, "", "why the row could not be stored"},
      {"raw", str, storage::CodecSpec::Parse("ZSTD(1)").value(), "", "the row as it was received"},
  };
  s.order_by = {"received_at"};
  return s;
}

Result<IngestResult> Ingestor::Ingest(std::string_view table, std::string_view data,
                                      const IngestOptions& options) {
  const std::string quarantine_name = QuarantineTableName(table);
  if (!storage::IsValidIdentifier(table) || !storage::IsValidIdentifier(quarantine_name))
    return AURORA_ERROR(
        kInvalidArgument,
        "invalid table name '{}': a table name is letters, digits and _, does not start with a "
        "digit and has at most {} characters",
        formats::Excerpt(table), 255 - (quarantine_name.size() - table.size()));
  AURORA_ASSIGN_OR_RETURN(formats::Format format, formats::InputFormat(options.format));
  if (format != formats::Format::kJSONEachRow && format != formats::Format::kCSV &&
      format != formats::Format::kCSVWithNames)
    return AURORA_ERROR(kInvalidArgument, "ingestion reads JSONEachRow, CSVWithNames and CSV, not {}",
                        formats::FormatName(format));
  Batch b;
  b.name = std::string(table);
  b.data = data;
  b.options = &options;
  b.format = format;
  if (format == formats::Format::kCSVWithNames) {
    if (data.find_first_not_of(" \t\r\n") == std::string_view::npos) return b.result;
    AURORA_RETURN_IF_ERROR(SplitCsvHeader(data, &b.header_line, &b.header));
  }
  auto existing = catalog_.GetTable(b.name);
  if (existing.ok()) {
    b.table = *existing;
  } else if (existing.status().code() != ErrorCode::kNotFound || !options.create_table) {
    return existing.status();
  } else if (format == formats::Format::kCSV) {
    return AURORA_ERROR(
        kInvalidArgument,
        "table '{}' does not exist, and CSV without a header cannot create it (send CSVWithNames)", b.name);
  } else {
    AURORA_ASSIGN_OR_RETURN(b.table, CreateFromSample(b));
  }
  if (!b.table) {
    // No row has a field that can be a column: read with no columns (CSV: the header's, as text), so every
    // row with a field is bad.
    AURORA_ASSIGN_OR_RETURN(auto reader, formats::FormatReader::Make(format,
                                                                     format == formats::Format::kJSONEachRow
                                                                         ? std::vector<formats::InputColumn>{}
                                                                         : TextInputs(b.header),
                                                                     {formats::ErrorMode::kCollect, false}));
    AURORA_RETURN_IF_ERROR(reader->Read(data));
    if (reader->num_rows() > 0)
      return AURORA_ERROR(
          kInvalidArgument,
          "table '{}' does not exist and no row of the batch has a field that can be a column", b.name);
    b.quarantine = reader->TakeBadRows();
  } else {
    if (format == formats::Format::kCSV) {
      for (const auto& c : b.table->schema().columns) b.header.push_back(c.name);
    }
    if (format == formats::Format::kCSVWithNames) AURORA_RETURN_IF_ERROR(EvolveForHeader(b));
    AURORA_RETURN_IF_ERROR(FastPass(b));
    if (!b.bad.empty()) AURORA_RETURN_IF_ERROR(SlowPass(b));
    // With a source position, the batch's one Append happens even when no row was left for it.
    if (!options.position_source.empty() && !b.appended) AURORA_RETURN_IF_ERROR(AppendRows(b, Chunk{}));
  }
  if (!b.quarantine.empty()) AURORA_RETURN_IF_ERROR(Quarantine(b));
  return std::move(b.result);
}

Result<Sample> Ingestor::SampleBatch(const Batch& b) {
  // Rows without a time in the time column are quarantined: once the time column is known, the sample
  // leaves them out.
  // When the first rows hold nothing that can be sampled, the whole batch is sampled.
  Sample sample;
  for (size_t limit : {kInferenceSampleRows, SIZE_MAX}) {
    if (b.format == formats::Format::kJSONEachRow) {
      sample = SampleJsonEachRow(b.data, limit);
      if (std::string time = ChooseTimeColumn(sample); !time.empty())
        sample = SampleJsonEachRow(b.data, limit, time);
    } else {
      AURORA_ASSIGN_OR_RETURN(
          auto reader,
          formats::FormatReader::Make(b.format, TextInputs(b.header), {formats::ErrorMode::kCollect, false}));
      AURORA_RETURN_IF_ERROR(reader->Read(limit == SIZE_MAX ? b.data : FirstLines(b.data, limit)));
      Chunk rows = reader->TakeChunk();
      sample = Sample();
      AddTextRows(rows, &sample);
      if (std::string time = ChooseTimeColumn(sample); !time.empty()) {
        sample = Sample();
        AddTextRows(rows, &sample, time);
      }
    }
    if (sample.rows > 0) break;
  }
  return sample;
}

Result<storage::TableSchema> Ingestor::InferTable(std::string_view table, std::string_view data,
                                                  const std::string& format_name, uint64_t* rows_sampled) {
  if (!storage::IsValidIdentifier(table))
    return AURORA_ERROR(kInvalidArgument, "invalid table name '{}': letters, digits and _",
                        formats::Excerpt(table));
  AURORA_ASSIGN_OR_RETURN(formats::Format format, formats::InputFormat(format_name));
  if (format != formats::Format::kJSONEachRow && format != formats::Format::kCSVWithNames)
    return AURORA_ERROR(kInvalidArgument, "schema inference reads JSONEachRow and CSVWithNames, not {}",
                        formats::FormatName(format));
  Batch b;
  b.name = std::string(table);
  b.data = data;
  b.format = format;
  if (format == formats::Format::kCSVWithNames) {
    if (data.find_first_not_of(" \t\r\n") == std::string_view::npos)
      return AURORA_ERROR(kInvalidArgument, "the data is empty");
    AURORA_RETURN_IF_ERROR(SplitCsvHeader(data, &b.header_line, &b.header));
  }
  AURORA_ASSIGN_OR_RETURN(Sample sample, SampleBatch(b));
  *rows_sampled = sample.rows;
  storage::TableSchema schema = InferSchema(b.name, sample);
  if (sample.rows == 0 || schema.columns.empty())
    return AURORA_ERROR(kInvalidArgument, "no row of the data has a field that can be a column");
  return schema;
}

Result<std::shared_ptr<storage::Table>> Ingestor::CreateFromSample(Batch& b) {
  auto lock_ptr = SchemaLock(b.name);
  std::lock_guard lock(*lock_ptr);
  if (auto t = catalog_.GetTable(b.name); t.ok()) return *t;
  AURORA_ASSIGN_OR_RETURN(Sample sample, SampleBatch(b));
  // No row to learn from (only a header, or every row bad): no table; the bad rows are quarantined.
  if (sample.rows == 0) return std::shared_ptr<storage::Table>();
  storage::TableSchema schema = InferSchema(b.name, sample);
  if (schema.columns.empty()) return std::shared_ptr<storage::Table>();
  if (schema.columns.size() > kMaxColumns) {
    // Keep the time column; rows with the other fields are quarantined.
    std::vector<storage::ColumnDef> kept;
    for (auto& c : schema.columns)
      if (kept.size() < kMaxColumns - 1 || IsKeyColumn(schema, c.name)) kept.push_back(std::move(c));
    schema.columns = std::move(kept);
  }
  auto created = catalog_.CreateTable(schema);
  if (created.ok()) {
    b.result.created_table = true;
    for (const auto& c : schema.columns) b.result.added_columns.push_back(c.name + " " + c.type->Name());
    return *created;
  }
  if (created.status().code() == ErrorCode::kAlreadyExists) return catalog_.GetTable(b.name);
  return created.status();
}

Status Ingestor::EvolveForHeader(Batch& b) {
  std::vector<std::string> unknown;
  {
    const storage::TableSchema s = b.table->schema();
    for (const auto& n : b.header)
      if (!s.Find(n)) unknown.push_back(n);
  }
  if (unknown.empty()) return Status::OK();
  if (!b.options->evolve_schema)
    return AURORA_ERROR(kInvalidArgument, "header: table '{}' has no column '{}' (schema evolution is off)",
                        b.name, unknown.front());
  Sample sample;
  AURORA_ASSIGN_OR_RETURN(auto reader, formats::FormatReader::Make(b.format, TextInputs(unknown),
                                                                   {formats::ErrorMode::kCollect, true}));
  AURORA_RETURN_IF_ERROR(reader->Read(b.data));
  AddTextRows(reader->TakeChunk(), &sample);
  auto lock_ptr = SchemaLock(b.name);
  std::lock_guard lock(*lock_ptr);
  storage::TableSchema next = b.table->schema();
  bool changed = false;
  for (const auto& [name, stats] : sample.fields()) {
    if (next.Find(name)) continue;
    if (next.columns.size() >= kMaxColumns)
      return AURORA_ERROR(kInvalidArgument, "header: table '{}' has {} columns, the most ingestion adds",
                          b.name, kMaxColumns);
    next.columns.push_back({name, stats.InferType(), std::nullopt, "", ""});
    b.result.added_columns.push_back(name + " " + next.columns.back().type->Name());
    changed = true;
  }
  if (changed) AURORA_RETURN_IF_ERROR(b.table->AlterSchema(next));
  return Status::OK();
}

Status Ingestor::FastPass(Batch& b) {
  const storage::TableSchema schema = b.table->schema();
  AURORA_ASSIGN_OR_RETURN(auto reader, formats::FormatReader::Make(b.format, InputsFor(schema),
                                                                   {formats::ErrorMode::kCollect, false}));
  AURORA_RETURN_IF_ERROR(reader->Read(b.data));
  Chunk chunk = reader->TakeChunk();
  b.bad = reader->TakeBadRows();
  if (!b.bad.empty() && !b.options->position_source.empty()) {
    // The slow pass appends these with its own rows.
    b.result.rows += chunk.num_rows;
    b.held = std::move(chunk);
    return Status::OK();
  }
  return AppendRows(b, chunk);
}

Status Ingestor::SlowPass(Batch& b) {
  const bool json = b.format == formats::Format::kJSONEachRow;
  const bool evolve = b.options->evolve_schema;
  storage::TableSchema schema = b.table->schema();
  Evolution plan;
  std::vector<size_t> fixable;  // indexes into b.bad of rows worth reading again
  std::map<std::string, Trial> trials;
  auto trial = [&](const storage::ColumnDef& def) -> Trial& {
    auto it = trials.find(def.name);
    if (it == trials.end()) it = trials.emplace(def.name, Trial(def.type)).first;
    return it->second;
  };
  // What one row needs, committed to `plan` only when the row can then be read.
  std::vector<std::pair<std::string, Evolution::Widening>> row_widen;
  auto propose = [&](const storage::ColumnDef& def, bool is_null, bool is_fraction) {
    if (!evolve || IsKeyColumn(schema, def.name)) return false;
    Evolution::Widening w;
    if (is_null) {
      w.nullable = true;
    } else if (is_fraction && def.type->Base().IsInteger() && def.type->Base().id() != TypeId::kBool &&
               !def.type->IsLowCardinality()) {
      w.to_float = true;
    } else {
      return false;
    }
    row_widen.emplace_back(def.name, w);
    return true;
  };
  auto commit_widen = [&]() {
    for (const auto& [name, w] : row_widen) {
      auto& p = plan.widen[name];
      p.nullable |= w.nullable;
      p.to_float |= w.to_float;
    }
  };

  if (json) {
    simdjson::dom::parser parser;
    for (size_t i = 0; i < b.bad.size(); ++i) {
      row_widen.clear();
      simdjson::dom::element doc;
      simdjson::dom::object fields;
      if (parser.parse(b.bad[i].text).get(doc) || doc.get_object().get(fields)) {
        b.quarantine.push_back(std::move(b.bad[i]));
        continue;
      }
      bool ok = true;
      std::set<std::string_view> seen;
      std::vector<std::pair<std::string_view, simdjson::dom::element>> new_values;
      for (simdjson::dom::key_value_pair f : fields) {
        if (!seen.insert(f.key).second) {
          ok = false;
          break;
        }
        const storage::ColumnDef* def = schema.Find(f.key);
        if (!def) {
          if (!evolve || !storage::IsValidIdentifier(f.key)) {
            ok = false;
            break;
          }
          new_values.emplace_back(f.key, f.value);
          continue;
        }
        if (trial(*def).Json(f.value)) continue;
        const auto t = f.value.type();
        if (!propose(*def, t == simdjson::dom::element_type::NULL_VALUE,
                     t == simdjson::dom::element_type::DOUBLE)) {
          ok = false;
          break;
        }
      }
      if (ok) {
        for (const auto& c : schema.columns)
          if (c.type->IsTime() && IsKeyColumn(schema, c.name) && !seen.contains(c.name)) ok = false;
      }
      if (!ok) {
        b.quarantine.push_back(std::move(b.bad[i]));
        continue;
      }
      for (const auto& [key, value] : new_values) {
        // Through the sample like a first batch's values (the key is a plain identifier), at most
        // kInferenceSampleRows values per field.
        const FieldStats& stats = plan.new_fields.Field(key);
        if (stats.non_null() + stats.count(ValueKind::kNull) >= kInferenceSampleRows) continue;
        AddJsonObject(fmt::format("{{\"{}\":{}}}", key, simdjson::minify(value)), &plan.new_fields);
      }
      commit_widen();
      fixable.push_back(i);
    }
  } else {
    // CSV: each bad row's fields as text, then each field tried against its column.
    AURORA_ASSIGN_OR_RETURN(
        auto text_reader,
        formats::FormatReader::Make(b.format, TextInputs(b.header), {formats::ErrorMode::kCollect, false}));
    std::string one;
    for (size_t i = 0; i < b.bad.size(); ++i) {
      row_widen.clear();
      one.clear();
      if (b.format == formats::Format::kCSVWithNames) {
        one.append(b.header_line);
        one += '\n';
      }
      one += b.bad[i].text;
      bool ok = text_reader->Read(one).ok() && text_reader->num_rows() == 1;
      Chunk row = text_reader->TakeChunk();
      (void)text_reader->TakeBadRows();
      for (size_t c = 0; ok && c < row.columns.size(); ++c) {
        const storage::ColumnDef* def = schema.Find(row.names[c]);
        if (!def) continue;  // a column added after the fast pass: read again below
        const Column& col = *row.columns[c];
        if (col.IsNull(0)) {
          if (!def->type->IsNullable()) ok = propose(*def, true, false);
          continue;
        }
        std::string_view text = col.StringAt(0);
        if (text.empty()) {
          if (def->type->IsTime() && IsKeyColumn(schema, def->name)) ok = false;
          continue;
        }
        if (trial(*def).Text(text)) continue;
        ok = propose(*def, false, ClassifyText(text) == ValueKind::kFloat);
      }
      if (!ok) {
        b.quarantine.push_back(std::move(b.bad[i]));
        continue;
      }
      commit_widen();
      fixable.push_back(i);
    }
  }

  if (!plan.empty()) {
    auto lock_ptr = SchemaLock(b.name);
    std::lock_guard lock(*lock_ptr);
    storage::TableSchema next = b.table->schema();
    bool changed = false;
    for (const auto& [name, w] : plan.widen) {
      storage::ColumnDef* def = nullptr;
      for (auto& c : next.columns)
        if (c.name == name) def = &c;
      if (!def || IsKeyColumn(next, name)) continue;
      DataTypePtr type = def->type;
      if (w.to_float && type->Base().IsInteger()) {
        type = DataType::Make(TypeId::kFloat64);
        if (def->type->IsNullable()) type = MakeNullable(type);
      }
      if (w.nullable) type = MakeNullable(type);
      if (type->Equals(*def->type) || !storage::CanWiden(*def->type, *type)) continue;
      b.result.widened_columns.push_back(fmt::format("{} {} -> {}", name, def->type->Name(), type->Name()));
      def->type = type;
      changed = true;
    }
    for (const auto& [name, stats] : plan.new_fields.fields()) {
      if (next.Find(name) || next.columns.size() >= kMaxColumns) continue;
      next.columns.push_back({name, stats.InferType(), std::nullopt, "", ""});
      b.result.added_columns.push_back(name + " " + next.columns.back().type->Name());
      changed = true;
    }
    if (changed) AURORA_RETURN_IF_ERROR(b.table->AlterSchema(next));
  }
  if (fixable.empty()) return Status::OK();

  // Read the rows again, one input in which each starts on a known line.
  std::string again;
  std::vector<uint64_t> starts;
  uint64_t line = 1;
  if (b.format == formats::Format::kCSVWithNames) {
    again.append(b.header_line);
    again += '\n';
    line = 2;
  }
  for (size_t i : fixable) {
    starts.push_back(line);
    again += b.bad[i].text;
    again += '\n';
    line += 1 + std::count(b.bad[i].text.begin(), b.bad[i].text.end(), '\n');
  }
  schema = b.table->schema();
  AURORA_ASSIGN_OR_RETURN(auto reader, formats::FormatReader::Make(b.format, InputsFor(schema),
                                                                   {formats::ErrorMode::kCollect, false}));
  if (Status st = reader->Read(again); !st.ok()) {
    for (size_t i : fixable) b.quarantine.push_back(std::move(b.bad[i]));
    return AppendRows(b, Chunk{});
  }
  Chunk chunk = reader->TakeChunk();
  AURORA_RETURN_IF_ERROR(AppendRows(b, chunk));
  for (formats::BadRow& r : reader->TakeBadRows()) {
    size_t k = std::upper_bound(starts.begin(), starts.end(), r.line) - starts.begin();
    k = k == 0 ? 0 : k - 1;
    const formats::BadRow& orig = b.bad[fixable[k]];
    const uint64_t at = orig.line + (r.line >= starts[k] ? r.line - starts[k] : 0);
    r.error = WithLine(r.error, at);
    r.line = orig.line;
    b.quarantine.push_back(std::move(r));
  }
  return Status::OK();
}

Status Ingestor::QuarantineRows(std::string_view table, std::vector<formats::BadRow> rows,
                                std::string_view source) {
  if (rows.empty()) return Status::OK();
  IngestOptions options;
  options.source = std::string(source);
  Batch b;
  b.name = std::string(table);
  b.options = &options;
  b.quarantine = std::move(rows);
  return Quarantine(b);
}

Status Ingestor::Quarantine(Batch& b) {
  std::sort(b.quarantine.begin(), b.quarantine.end(),
            [](const formats::BadRow& x, const formats::BadRow& y) { return x.line < y.line; });
  const std::string name = QuarantineTableName(b.name);
  std::shared_ptr<storage::Table> table;
  if (auto t = catalog_.GetTable(name); t.ok()) {
    table = *t;
  } else {
    auto lock_ptr = SchemaLock(name);
    std::lock_guard lock(*lock_ptr);
    auto created = catalog_.CreateTable(QuarantineSchema(name), /*if_not_exists=*/true);
    if (!created.ok()) return created.status();
    table = *created;
  }
  const storage::TableSchema schema = QuarantineSchema(name);
  std::vector<ColumnPtr> cols;
  for (const auto& c : schema.columns) cols.push_back(std::make_shared<Column>(c.type));
  const int64_t now = clock_.NowMillis();
  if (b.options->locate)
    for (auto& r : b.quarantine) r.error = b.options->locate(r.line) + ": " + r.error;
  for (const auto& r : b.quarantine) {
    cols[0]->AppendInt(now);
    cols[1]->AppendString(b.options->source);
    cols[2]->AppendUInt(r.line);
    cols[3]->AppendString(r.error);
    cols[4]->AppendString(r.text);
  }
  Chunk chunk;
  for (size_t c = 0; c < cols.size(); ++c) chunk.Add(schema.columns[c].name, std::move(cols[c]));
  chunk.num_rows = b.quarantine.size();
  AURORA_RETURN_IF_ERROR(table->Append(chunk));
  b.result.quarantined += b.quarantine.size();
  for (size_t i = 0; i < b.quarantine.size() && b.result.first_errors.size() < kMaxErrors; ++i) {
    formats::BadRow r = b.quarantine[i];
    if (r.text.size() > kMaxErrorTextBytes) {
      r.text.resize(kMaxErrorTextBytes);
      r.text += "...";
    }
    b.result.first_errors.push_back(std::move(r));
  }
  return Status::OK();
}

}  // namespace aurora::ingest
