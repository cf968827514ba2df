// libFuzzer targets for every parser of bytes that come from outside the process: type names and codec
// specs (from SQL), SQL statements, everything read back from disk (WAL records, blocks, manifests, part
// files), data in the text formats (JSONEachRow, CSV, TSV), ingestion with schema inference and evolution,
// and HTTP requests as the server reads them.
// Each target is compiled separately with -DAURORA_FUZZ_TARGET=<n>.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "engine/database.h"
#include "formats/format_reader.h"
#include "formats/format_writer.h"
#include "ingest/ingestor.h"
#include "ingest/schema_inference.h"
#include "io/file_system.h"
#include "nl/question_parser.h"
#include "server/request.h"
#include "sources/event_generator.h"
#include "sql/parser/parser.h"
#include "storage/chunk_serde.h"
#include "storage/codec.h"
#include "storage/manifest.h"
#include "storage/part.h"
#include "types/data_type.h"
#include "types/text_format.h"

using namespace aurora;

#if AURORA_FUZZ_TARGET >= 7 && AURORA_FUZZ_TARGET <= 9
namespace {

// Every type, with one-letter names the fuzzer finds easily. In JSON, nan and inf are written as null, so
// the JSON target's floats are Nullable to let them read back.
std::vector<formats::InputColumn> FuzzSchema(bool json) {
  const char* types[] = {"Bool",
                         "Int8",
                         json ? "Nullable(Float64)" : "Float64",
                         "UInt64",
                         "Int64",
                         json ? "Nullable(Float32)" : "Float32",
                         "String",
                         "Nullable(String)",
                         "LowCardinality(String)",
                         "Date",
                         "DateTime('Asia/Kolkata')",
                         "DateTime64(3, 'UTC')",
                         "Nullable(Int32)"};
  std::vector<formats::InputColumn> out;
  char name = 'a';
  for (const char* t : types) out.push_back({std::string(1, name++), ParseDataType(t).value(), {}});
  out[1].default_value = int64_t{-7};
  out[6].default_value = std::string("dflt");
  return out;
}

std::vector<std::string> Cells(const Chunk& c, bool json) {
  std::vector<std::string> out;
  for (size_t r = 0; r < c.num_rows; ++r)
    for (const auto& col : c.columns) {
      std::string s;
      FormatText(*col, r, &s);
      // JSON has no nan, inf or -0: they come back as null and 0.
      if (json && (s == "nan" || s == "inf" || s == "-inf")) s = "NULL";
      if (json && s == "-0") s = "0";
      out.push_back(s);
    }
  return out;
}

// Reads `in` strictly and in collect mode; checks that the modes agree, that errors say where, and that
// what was read writes out and reads back the same.
void FuzzFormat(formats::Format format, std::string_view in) {
  const bool json = format == formats::Format::kJSONEachRow;
  formats::ReadOptions options;
  options.skip_unknown_fields = !in.empty() && (in[0] & 1);
  if (!in.empty()) in.remove_prefix(1);
  static const auto json_schema = FuzzSchema(true), text_schema = FuzzSchema(false);
  const auto& schema = json ? json_schema : text_schema;
  auto strict = formats::FormatReader::Make(format, schema, options);
  options.errors = formats::ErrorMode::kCollect;
  auto collect = formats::FormatReader::Make(format, schema, options);
  if (!strict.ok() || !collect.ok()) __builtin_trap();
  Status strict_st = (*strict)->Read(in);
  Status collect_st = (*collect)->Read(in);
  Chunk good = (*collect)->TakeChunk();
  for (const auto& col : good.columns)
    if (col->size() != good.num_rows) __builtin_trap();
  for (const auto& bad : (*collect)->bad_rows()) {
    if (bad.line == 0 || bad.error.rfind("line ", 0) != 0) __builtin_trap();
    if (in.find(bad.text) == std::string_view::npos) __builtin_trap();
  }
  if (strict_st.ok()) {
    // Without bad rows both modes read the same rows.
    if (!collect_st.ok() || !(*collect)->bad_rows().empty()) __builtin_trap();
    Chunk strict_rows = (*strict)->TakeChunk();
    if (Cells(strict_rows, false) != Cells(good, false)) __builtin_trap();
  } else if (collect_st.ok() && (*collect)->bad_rows().empty()) {
    __builtin_trap();  // strict found a bad row that collect mode did not
  }
  if (!collect_st.ok()) return;
  // Round trip: write the good rows in the same format and read them back.
  std::vector<std::string> names;
  std::vector<DataTypePtr> types;
  for (const auto& c : schema) names.push_back(c.name), types.push_back(c.type);
  auto writer = formats::FormatWriter::Make(format, names, types);
  if (!writer.ok()) __builtin_trap();
  std::string text;
  (*writer)->WritePrefix(&text);
  (*writer)->WriteChunk(good, &text);
  options.errors = formats::ErrorMode::kStrict;
  auto again = formats::FormatReader::Make(format, schema, options);
  Status st = (*again)->Read(text);
  if (!st.ok()) {
    fprintf(stderr, "written text does not read back: %s\n%s\n", st.ToString().c_str(), text.c_str());
    __builtin_trap();
  }
  if (Cells((*again)->TakeChunk(), json) != Cells(good, json)) __builtin_trap();
}

}  // namespace
#endif

#if AURORA_FUZZ_TARGET == 11
#include <boost/beast/http.hpp>
namespace {

// A request as the server reads it: Beast's parser with the server's limits, then what the server does
// with the parts before a handler runs: the target split into a path and decoded parameters, the
// credentials (both ports' rules) and a gzip body decoded within a limit.
void FuzzHttp(std::string_view in) {
  namespace http = boost::beast::http;
  http::request_parser<http::string_body> parser;
  parser.header_limit(64 << 10);
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(in.data(), in.size()), ec);
  if (used > in.size()) __builtin_trap();
  if (ec || !parser.is_done()) return;
  auto req = parser.release();
  server::HttpRequest r;
  r.method = req.method();
  server::ParseTarget(std::string_view(req.target().data(), req.target().size()), &r.path, &r.query);
  r.body = req.body();
  r.headers = req.base();
  for (bool clickhouse : {false, true}) {
    auto c = server::ParseCredentials(r, clickhouse);
    if (!c.ok() && c.status().code() != ErrorCode::kUnauthenticated) __builtin_trap();
  }
  auto body = server::Inflate(r.body, 1 << 20);
  if (body.ok() && body->size() > (1 << 20)) __builtin_trap();
  if (!body.ok() && body.status().code() != ErrorCode::kInvalidArgument &&
      body.status().code() != ErrorCode::kResourceExhausted)
    __builtin_trap();
}

}  // namespace
#endif

#if AURORA_FUZZ_TARGET == 10
namespace {

// Inference, then ingestion into a new table (the input's own schema) or into a table the standard
// workload created, with evolution and quarantine. Whatever the input, the inferred schema is valid, the
// batch is not rejected for a bad row, and what was quarantined says where.
void FuzzIngest(std::string_view in) {
  const uint8_t mode = in.empty() ? 0 : static_cast<uint8_t>(in[0]);
  if (!in.empty()) in.remove_prefix(1);
  const bool csv = mode & 1;
  const bool existing = mode & 2;
  static std::unique_ptr<Database> db = [] {
    std::string tmpl =
        (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + std::string("/aurora-fuzz-XXXXXX");
    const char* dir = mkdtemp(tmpl.data());
    if (!dir) __builtin_trap();
    storage::TableOptions options;
    options.background = false;
    return Database::Open(FileSystem::Posix(), dir, Clock::System(), options).value();
  }();
  if (!csv) {
    ingest::Sample sample = ingest::SampleJsonEachRow(in, ingest::Ingestor::kInferenceSampleRows);
    storage::TableSchema schema = ingest::InferSchema("t", sample);
    if (!schema.columns.empty() && !schema.Validate().ok()) __builtin_trap();
  }
  if (existing) {
    const char* seed =
        csv ? "ts,id,price,region\n2024-01-01 00:00:00.000,1,2.5,eu\n2024-01-01 00:00:01.000,2,3,us\n"
            : "{\"ts\":\"2024-01-01 00:00:00.000\",\"id\":1,\"price\":2.5,\"region\":\"eu\"}\n"
              "{\"ts\":\"2024-01-01 00:00:01.000\",\"id\":2,\"price\":3,\"region\":\"us\"}\n";
    if (!db->Ingest("t", seed, {.format = csv ? "CSVWithNames" : "JSONEachRow"}).ok()) __builtin_trap();
  }
  auto r = db->Ingest("t", in, {.format = csv ? "CSVWithNames" : "JSONEachRow"});
  if (r.ok()) {
    if (r->first_errors.size() != std::min<uint64_t>(r->quarantined, ingest::Ingestor::kMaxErrors))
      __builtin_trap();
    for (const auto& e : r->first_errors)
      if (e.line == 0 || e.error.rfind("line ", 0) != 0) __builtin_trap();
  } else if (r.status().code() != ErrorCode::kInvalidArgument) {
    fprintf(stderr, "ingest failed: %s\n", r.status().ToString().c_str());
    __builtin_trap();
  }
  (void)db->catalog().DropTable("t", true);
  (void)db->catalog().DropTable("t_quarantine", true);
}

}  // namespace
#endif

#if AURORA_FUZZ_TARGET == 12
namespace {

// The standard workload's table as the engine sees it, with its values and a metric and synonyms.
void FuzzQuestion(std::string_view question) {
  static const nl::QuestionParser* parser = [] {
    storage::TableSchema s = sources::EventsSchema();
    std::vector<std::pair<std::string, std::vector<std::string>>> values = {
        {"action_type", {"view", "add_to_cart", "purchase"}},
        {"region", {"us-east", "us-west", "eu-west", "uk", "apac"}},
        {"device_type", {"mobile", "desktop", "tablet"}},
        {"category", {"electronics", "books", "home"}},
        {"brand", {"Sony", "Apple", "Nike", "OReilly"}},
        {"user_type", {"new", "returning"}}};
    std::vector<nl::TableVocabulary::Term> terms = {
        {true, "revenue", "sum(price * quantity)", "action_type = 'purchase'"},
        {false, "orders", "action_type = 'purchase'", ""},
        {false, "customers", "user_id", ""}};
    return new nl::QuestionParser(nl::TableVocabulary::Make(s, values, terms));
  }();
  nl::Answer a = parser->Parse(question);
  // Whatever the question, the SQL is one statement that parses (values are quoted, never pasted).
  if (!sql::ParseStatement(a.sql).ok()) __builtin_trap();
}

}  // namespace
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

#if AURORA_FUZZ_TARGET == 1  // fuzz_types: type names and codec specs
  auto t = ParseDataType(in);
  if (t.ok()) {
    auto again = ParseDataType((*t)->Name());
    if (!again.ok() || (*again)->Name() != (*t)->Name()) __builtin_trap();  // printing must round-trip
  }
  auto c = storage::CodecSpec::Parse(in);
  if (c.ok() && !storage::CodecSpec::Parse(c->ToString()).ok()) __builtin_trap();
#elif AURORA_FUZZ_TARGET == 2   // fuzz_block: compressed blocks and bit-packed codes
  std::string out;
  storage::DecodeBlock(in, &out).IgnoreError();
  if (size >= 2) {
    uint32_t codes[256];
    storage::UnpackBits(in.substr(1), std::min<size_t>(256, size), 1 + data[0] % 32, codes).IgnoreError();
  }
#elif AURORA_FUZZ_TARGET == 3   // fuzz_wal_chunk: WAL record payloads
  auto chunk = storage::DeserializeChunk(in);
  if (chunk.ok()) {
    for (const auto& col : chunk->columns)
      for (size_t i = 0; i < col->size(); ++i) (void)col->ValueAt(i);
  }
#elif AURORA_FUZZ_TARGET == 4   // fuzz_manifest
  storage::DecodeManifest(in, "fuzz").status().IgnoreError();
#elif AURORA_FUZZ_TARGET == 5   // fuzz_part: whole part files
  static const std::string path = "/tmp/aurora-fuzz-part-" + std::to_string(::getpid());
  FileSystem& fs = FileSystem::Posix();
  if (!fs.WriteFileAtomic(path, in).ok()) return 0;
  auto part = storage::Part::Open(fs, path);
  if (part.ok()) {
    for (size_t c = 0; c < (*part)->columns().size(); ++c)
      for (size_t g = 0; g < (*part)->num_granules(); ++g) {
        auto col = (*part)->ReadColumn(c, g);
        if (col.ok())
          for (size_t i = 0; i < (*col)->size(); ++i) (void)(*col)->ValueAt(i);
      }
  }
#elif AURORA_FUZZ_TARGET == 6   // fuzz_sql: parser, binder and executor; normalized SQL must parse again
  static Database* db = [] {
    static const std::string dir = "/tmp/aurora-fuzz-sql-" + std::to_string(::getpid());
    FileSystem::Posix().RemoveDirRecursive(dir).IgnoreError();
    storage::TableOptions opts;
    opts.background = false;
    Database* d = Database::Open(FileSystem::Posix(), dir, Clock::System(), opts)->release();
    for (const char* q : {"CREATE TABLE t (a Int64, s String, n Nullable(Float64), d DateTime, lc "
                          "LowCardinality(String)) ORDER BY a",
                          "INSERT INTO t VALUES (1, 'x', 1.5, '2024-01-01 00:00:00', 'p'), (-2, '', NULL, "
                          "'2024-01-02 10:00:00', 'q'), "
                          "(3, 'zz', -0.5, '2024-01-03 23:59:59', 'p')"})
      if (!d->Execute(q).ok()) __builtin_trap();
    return d;
  }();
  auto statements = sql::ParseStatements(in);
  if (statements.ok()) {
    for (const auto& st : *statements) {
      if (st.kind != sql::Statement::Kind::kSelect) continue;
      std::string again = st.select->ToString();
      if (!sql::ParseStatement(again).ok()) __builtin_trap();
      // Bind and run with one thread; any error is fine, a crash or sanitizer report is not.
      (void)db->Execute(again + " SETTINGS max_threads = 1");
    }
  }
#elif AURORA_FUZZ_TARGET == 7   // fuzz_jsoneachrow: the first byte sets options, the rest is data
  FuzzFormat(formats::Format::kJSONEachRow, in);
#elif AURORA_FUZZ_TARGET == 8   // fuzz_csv: the first byte sets options and the header, the rest is data
  FuzzFormat(size > 0 && (data[0] & 2) ? formats::Format::kCSVWithNames : formats::Format::kCSV, in);
#elif AURORA_FUZZ_TARGET == 9   // fuzz_tsv: as fuzz_csv
  FuzzFormat(
      size > 0 && (data[0] & 2) ? formats::Format::kTabSeparatedWithNames : formats::Format::kTabSeparated,
      in);
#elif AURORA_FUZZ_TARGET == 10  // fuzz_ingest: the first byte picks the format and a new or existing table
  FuzzIngest(in);
#elif AURORA_FUZZ_TARGET == 11  // fuzz_http: an HTTP request as it arrives on a socket
  FuzzHttp(in);
#elif AURORA_FUZZ_TARGET == 12  // fuzz_nl: a question to the natural-language engine; its SQL must parse
  FuzzQuestion(in);
#else
#error "AURORA_FUZZ_TARGET must be 1..12"
#endif
  return 0;
}
