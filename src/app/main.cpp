// aurora: the one binary. Every service is constructed and wired here.
//
//   aurora version
//   aurora demo  --data DIR [--rows N] [--days D] [--recent]   load N events of the standard workload
//                                          into table `events`, spanning D days (ending now with --recent)
//   aurora stats --data DIR [--table T]    print a table's storage statistics
//   aurora gen   [--rows N] [--seed S]     write the standard workload as NDJSON to stdout
//   aurora sql   --data DIR [-q SQL]        run statements (from -q, or from standard input)
//   aurora server --data DIR [--config F]  serve the HTTP API and the ClickHouse HTTP interface
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include "catalog/catalog.h"
#include "common/strings.h"
#include "engine/database.h"
#include "nl/ask.h"
#include "server/config.h"
#include "server/server.h"
#include "sources/event_generator.h"
#include "sql/parser/parser.h"
#include "types/text_format.h"

namespace aurora {
namespace {

constexpr const char* kVersion = "0.1.0";

int Fail(const Status& st) {
  std::fprintf(stderr, "aurora: %s\n", st.ToString().c_str());
  return 1;
}

int PrintStats(Catalog& catalog, const std::string& name) {
  auto table = catalog.GetTable(name);
  if (!table.ok()) return Fail(table.status());
  storage::TableStats s = (*table)->Stats();
  storage::TableSchema schema = (*table)->schema();
  fmt::print("table {}\n", name);
  fmt::print("  rows            {}\n", s.rows);
  fmt::print("  buffered rows   {}\n", s.buffer_rows);
  fmt::print("  parts           {}\n", s.parts);
  fmt::print("  bytes on disk   {} ({:.2f} bytes/row)\n", HumanBytes(s.bytes_on_disk),
             s.rows ? static_cast<double>(s.bytes_on_disk) / static_cast<double>(s.rows) : 0.0);
  fmt::print("  ORDER BY        ({})\n", fmt::join(schema.order_by, ", "));
  fmt::print("  PARTITION BY    {}\n",
             schema.partition_by.ToString().empty() ? "-" : schema.partition_by.ToString());
  fmt::print("  {:<14} {:<28} {:>12} {:>12} {:>7}\n", "column", "type", "compressed", "raw", "ratio");
  for (const auto& c : s.columns) {
    double ratio = c.compressed_bytes
                       ? static_cast<double>(c.uncompressed_bytes) / static_cast<double>(c.compressed_bytes)
                       : 0;
    fmt::print("  {:<14} {:<28} {:>12} {:>12} {:>6.1f}x\n", c.name, c.type, HumanBytes(c.compressed_bytes),
               HumanBytes(c.uncompressed_bytes), ratio);
  }
  for (const auto& p : s.problems) fmt::print("  problem: {}\n", p);
  return 0;
}

// Prints a result as tab-separated values with a header line (ClickHouse's TSVWithNames), escaping
// tabs, newlines and backslashes in values (arrays come escaped from FormatText).
void PrintResult(const QueryResult& r) {
  if (r.names.empty()) return;
  std::string out;
  for (size_t i = 0; i < r.names.size(); ++i) out += (i ? "\t" : "") + r.names[i];
  out += '\n';
  std::string cell;
  for (const auto& chunk : r.chunks) {
    for (size_t row = 0; row < chunk.num_rows; ++row) {
      for (size_t c = 0; c < chunk.columns.size(); ++c) {
        cell.clear();
        FormatText(*chunk.columns[c], row, &cell, "\\N");
        if (c) out += '\t';
        if (chunk.columns[c]->type()->IsArray()) {
          out += cell;  // elements are already quoted and escaped, as ClickHouse writes arrays in TSV
          continue;
        }
        for (char ch : cell) {
          if (ch == '\t')
            out += "\\t";
          else if (ch == '\n')
            out += "\\n";
          else if (ch == '\\' && cell != "\\N")
            out += "\\\\";
          else
            out += ch;
        }
      }
      out += '\n';
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
}

// Runs the statements of `text`; returns false if any failed.
bool RunStatements(Database& db, std::string_view text) {
  auto statements = sql::SplitStatements(text);
  if (!statements.ok()) {
    Fail(statements.status());
    return false;
  }
  bool ok = true;
  for (const auto& st : *statements) {
    auto r = db.Execute(st);
    if (!r.ok()) {
      Fail(r.status());
      ok = false;
      continue;
    }
    PrintResult(*r);
  }
  return ok;
}

// `aurora server`: loads the configuration, opens the data directory and serves until SIGTERM.
int RunServer(const std::string& config_path, const std::vector<std::pair<std::string, std::string>>& flags) {
  auto config = server::LoadConfig(config_path, server::ProcessEnvironment(), flags);
  if (!config.ok()) return Fail(config.status());
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  auto db = Database::Open(FileSystem::Posix(), config->data_dir, Clock::System());
  if (!db.ok()) return Fail(db.status());
  auto admin = (*db)->access().EnsureAdmin(
      config->admin_password.empty() ? std::nullopt : std::optional<std::string>(config->admin_password));
  if (!admin.ok()) return Fail(admin.status());
  auto srv = server::Server::Make(*config, **db);
  if (!srv.ok()) return Fail(srv.status());
  const char* scheme = config->tls_cert.empty() ? "http" : "https";
  fmt::print("aurora {} serving data directory {}\n", kVersion, config->data_dir);
  if (admin->has_value() && config->admin_password.empty()) {
    fmt::print("  first start: created user admin with password {}\n", **admin);
    fmt::print("  (shown only now; change it with ALTER USER admin IDENTIFIED BY '...')\n");
  } else if (admin->has_value()) {
    fmt::print("  first start: created user admin with the password from admin_password\n");
  }
  fmt::print("  sign in as admin: curl -u admin:PASSWORD {}://{}:{}/v1/sql -d 'SELECT 1'\n", scheme,
             config->host, (*srv)->http_port());
  fmt::print("  API and web app     {}://{}:{}/\n", scheme, config->host, (*srv)->http_port());
  if (config->clickhouse_enabled)
    fmt::print("  ClickHouse HTTP     {}://{}:{}/\n", scheme, config->host, (*srv)->clickhouse_port());
  if (config->demo)
    fmt::print("  demo: {:g} events/s of the standard workload into table events\n", config->demo_rate);
  std::fflush(stdout);
  (*srv)->Run();
  return 0;
}

int Main(int argc, char** argv) {
  CLI::App app{"Aurora: real-time analytics in one binary"};
  app.require_subcommand(1);

  auto* version = app.add_subcommand("version", "Print the version");

  std::string data_dir = "data";
  uint64_t rows = 1'000'000;
  auto* demo =
      app.add_subcommand("demo", "Load events of the standard e-commerce workload into table `events`");
  demo->add_option("--data", data_dir, "Data directory")->capture_default_str();
  demo->add_option("--rows", rows, "Events to load")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  double demo_days = 30;
  bool demo_recent = false;
  demo->add_option("--days", demo_days, "Days the events span")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 3650.0));
  demo->add_flag("--recent", demo_recent,
                 "Events end now (the span is the last --days days) rather than starting at 2024-01-01, so "
                 "that questions about today or the last hours find rows");

  std::string table_name = "events";
  auto* stats = app.add_subcommand("stats", "Print a table's storage statistics");
  stats->add_option("--data", data_dir, "Data directory")->capture_default_str();
  stats->add_option("--table", table_name, "Table")->capture_default_str();

  uint64_t seed = 42;
  auto* gen = app.add_subcommand("gen", "Write the standard workload as NDJSON to stdout");
  gen->add_option("--rows", rows, "Events")->capture_default_str();
  gen->add_option("--seed", seed, "Random seed")->capture_default_str();
  double bad_share = 0;
  std::string gen_format = "ndjson";
  gen->add_option("--bad", bad_share, "Share of malformed records to mix in (as gen_events.py --bad)")
      ->check(CLI::Range(0.0, 1.0));
  gen->add_option("--format", gen_format, "ndjson, or csv (with a header line)")
      ->check(CLI::IsMember({"ndjson", "csv"}));

  std::string query;
  auto* sql_cmd =
      app.add_subcommand("sql", "Run SQL statements on a data directory (from -q or standard input)");
  sql_cmd->add_option("--data", data_dir, "Data directory")->capture_default_str();
  sql_cmd->add_option("-q,--query", query, "Statements to run, separated by ';'");

  std::vector<std::string> questions;
  std::string ask_table;
  bool ask_run = false, ask_lines = false;
  auto* ask_cmd =
      app.add_subcommand("ask", "Answer questions in plain language with SQL (the built-in engine)");
  ask_cmd->add_option("--data", data_dir, "Data directory")->capture_default_str();
  ask_cmd->add_option("--table", ask_table, "The table to ask about (default: the one the question names)");
  ask_cmd->add_flag("--run", ask_run, "Also run the SQL and print the result");
  ask_cmd->add_flag("--lines", ask_lines,
                    "Read one question per line from standard input; write one JSON line per question "
                    "(question, sql, explanation, confidence, answered, micros)");
  ask_cmd->add_option("question", questions, "The question");

  std::string config_path;
  std::vector<std::string> config_sets;
  std::map<std::string, std::string> server_flags;  // configuration key -> value given as a flag
  std::vector<std::pair<std::string, CLI::Option*>> server_options;
  auto* server_cmd = app.add_subcommand(
      "server", "Serve the HTTP API (and web app) and the ClickHouse HTTP interface on a data directory");
  server_cmd->add_option("--config", config_path, "TOML configuration file")->check(CLI::ExistingFile);
  for (std::string key : {"data", "host", "http_port", "clickhouse_port", "threads", "tls_cert", "tls_key",
                          "demo_rate", "log_level"}) {
    std::string flag = key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    server_options.emplace_back(
        key, server_cmd->add_option("--" + flag, server_flags[key], "Configuration key " + key));
  }
  bool demo_flag = false;
  server_cmd->add_flag("--demo", demo_flag, "Generate the standard workload into table `events`");
  server_cmd->add_option("--set", config_sets, "Any configuration key: --set key=value (repeatable)");
  std::string keys =
      "Configuration comes from --config (TOML), then AURORA_<KEY> variables, then flags (--set key=value "
      "for any key). Keys:\n";
  for (const auto& k : server::ConfigKeys())
    keys += fmt::format("  {:<20} {:<12} {}\n", k.name, k.type, k.help);
  server_cmd->footer(keys);

  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  if (*server_cmd) {
    std::vector<std::pair<std::string, std::string>> flags;
    for (const auto& [key, option] : server_options)
      if (!option->empty()) flags.emplace_back(key, server_flags[key]);
    if (demo_flag) flags.emplace_back("demo", "true");
    for (const auto& kv : config_sets) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos)
        return Fail(AURORA_ERROR(kInvalidArgument, "--set takes key=value, not '{}'", kv));
      flags.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return RunServer(config_path, flags);
  }

  if (*version) {
    fmt::print("aurora {}\n", kVersion);
    return 0;
  }
  if (*gen) {
    sources::EventGenerator g({.seed = seed, .rows = rows, .bad_share = bad_share});
    std::string buf = gen_format == "csv" ? sources::EventGenerator::CsvHeader() : "";
    for (uint64_t done = 0; done < rows;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(65536, rows - done));
      if (gen_format == "csv")
        g.NextCsv(n, &buf);
      else
        g.NextNdjson(n, &buf);
      if (std::fwrite(buf.data(), 1, buf.size(), stdout) != buf.size()) return 1;
      buf.clear();
      done += n;
    }
    return 0;
  }

  if (*ask_cmd) {
    auto db = Database::Open(FileSystem::Posix(), data_dir, Clock::System());
    if (!db.ok()) return Fail(db.status());
    nl::Asker asker(**db);
    if (ask_lines) {
      std::string line;
      while (std::getline(std::cin, line)) {
        if (line.empty()) continue;
        const auto t0 = std::chrono::steady_clock::now();
        auto a = asker.Ask(line, ask_table);
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
                .count();
        nlohmann::json doc = {{"question", line}, {"micros", micros}};
        if (a.ok()) {
          doc.update({{"sql", a->sql},
                      {"explanation", a->explanation},
                      {"confidence", a->confidence},
                      {"answered", a->answered},
                      {"suggestions", a->suggestions}});
        } else {
          doc.update({{"error", a.status().message()}, {"answered", false}});
        }
        fmt::print("{}\n", doc.dump());
        std::fflush(stdout);
      }
      return 0;
    }
    std::string question;
    for (const auto& w : questions) question += (question.empty() ? "" : " ") + w;
    auto a = asker.Ask(question, ask_table);
    if (!a.ok()) return Fail(a.status());
    if (!a->answered) {
      fmt::print(stderr, "aurora: can't answer that (confidence {:.2f})\n", a->confidence);
      for (const auto& s : a->suggestions) fmt::print(stderr, "  {}\n", s);
      return 1;
    }
    fmt::print("{}\n-- {} (confidence {:.2f})\n", a->sql, a->explanation, a->confidence);
    if (ask_run) return RunStatements(**db, a->sql) ? 0 : 1;
    return 0;
  }

  if (*sql_cmd) {
    auto db = Database::Open(FileSystem::Posix(), data_dir, Clock::System());
    if (!db.ok()) return Fail(db.status());
    if (!query.empty()) return RunStatements(**db, query) ? 0 : 1;
    if (::isatty(0)) {
      // Interactive: one statement per line (end a line with \\ to continue it).
      std::fprintf(stderr, "aurora %s, data directory %s. Statements end at the end of a line.\n", kVersion,
                   data_dir.c_str());
      std::string line, pending;
      while (true) {
        std::fprintf(stderr, pending.empty() ? "aurora> " : "     -> ");
        if (!std::getline(std::cin, line)) break;
        if (!line.empty() && line.back() == '\\') {
          pending += line.substr(0, line.size() - 1) + "\n";
          continue;
        }
        pending += line;
        RunStatements(**db, pending);
        pending.clear();
      }
      return 0;
    }
    std::string all((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return RunStatements(**db, all) ? 0 : 1;
  }

  auto catalog = Catalog::Open(FileSystem::Posix(), data_dir, Clock::System());
  if (!catalog.ok()) return Fail(catalog.status());
  if (*demo) {
    auto table = (*catalog)->CreateTable(sources::EventsSchema(), /*if_not_exists=*/true);
    if (!table.ok()) return Fail(table.status());
    uint64_t before = (*table)->Stats().rows;
    const int64_t start_ms = demo_recent
                                 ? Clock::System().NowMillis() - static_cast<int64_t>(demo_days * 86'400'000)
                                 : int64_t{1704067200000};  // 2024-01-01 00:00:00 UTC
    sources::EventGenerator g({.seed = seed + before, .start_ms = start_ms, .days = demo_days, .rows = rows});
    auto t0 = std::chrono::steady_clock::now();
    for (uint64_t done = 0; done < rows;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(65536, rows - done));
      Status st = (*table)->Append(g.Next(n));
      if (!st.ok()) return Fail(st);
      done += n;
    }
    Status st = (*table)->Flush();
    if (!st.ok()) return Fail(st);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print("loaded {} events into table events in {:.2f} s ({:.0f} rows/s)\n\n", rows, secs, rows / secs);
    return PrintStats(**catalog, "events");
  }
  if (*stats) return PrintStats(**catalog, table_name);
  return 0;
}

}  // namespace
}  // namespace aurora

int main(int argc, char** argv) {
  return aurora::Main(argc, argv);
}
