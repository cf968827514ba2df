// SQL logic test runner. Runs .test files (format in docs and tests/sql/README.md) against a fresh data
// directory each, and prints one line per failure and a closing "N passed, M failed" line.
//   sqllogictest FILE.test...
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/database.h"
#include "io/test_dir.h"
#include "sources/event_generator.h"
#include "types/text_format.h"

using namespace aurora;

namespace {

struct Record {
  std::string kind;                 // statement ok | statement error | query | restart | rows
  std::vector<std::string> header;  // words of the first line
  std::string sql;
  std::vector<std::string> expected;  // lines after ----
  int line = 0;
};

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::vector<Record> ReadRecords(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::vector<Record> out;
  size_t i = 0;
  while (i < lines.size()) {
    const std::string& l = lines[i];
    if (l.empty() || l[0] == '#') {
      ++i;
      continue;
    }
    Record r;
    r.line = static_cast<int>(i + 1);
    r.header = Words(l);
    r.kind = r.header[0];
    ++i;
    bool after_sep = false;
    while (i < lines.size() && !lines[i].empty()) {
      if (lines[i] == "----") {
        after_sep = true;
      } else if (after_sep) {
        r.expected.push_back(lines[i]);
      } else {
        r.sql += (r.sql.empty() ? "" : "\n") + lines[i];
      }
      ++i;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string FormatCell(const Column& c, size_t row, char type) {
  if (c.IsNull(row)) return "NULL";
  std::string s;
  if (type == 'R') {
    Value v = c.ValueAt(row);
    double d = std::holds_alternative<double>(v)    ? std::get<double>(v)
               : std::holds_alternative<int64_t>(v) ? static_cast<double>(std::get<int64_t>(v))
                                                    : static_cast<double>(std::get<uint64_t>(v));
    return fmt::format("{:.3f}", d);
  }
  FormatText(c, row, &s);
  if (s.empty() && type == 'T') return "(empty)";
  return s;
}

class Runner {
 public:
  explicit Runner(std::string path) : path_(std::move(path)) {}

  // Returns the number of failed records; counts passed ones in *passed.
  int Run(int* passed) {
    spdlog::set_level(spdlog::level::err);
    TestDir dir;
    dir_ = dir.path();
    if (!Reopen()) return 1;
    int failed = 0;
    for (const Record& r : ReadRecords(path_)) {
      std::string why = RunOne(r);
      if (why.empty()) {
        ++*passed;
      } else {
        ++failed;
        std::printf("FAIL %s:%d\n%s\n%s\n\n", path_.c_str(), r.line, r.sql.c_str(), why.c_str());
      }
    }
    db_.reset();
    return failed;
  }

 private:
  bool Reopen() {
    db_.reset();
    storage::TableOptions opts;
    opts.background = false;
    security::AccessOptions access;
    access.pbkdf2_iterations = 1000;  // the default (600,000) makes every CREATE USER cost a quarter second
    auto db = Database::Open(FileSystem::Posix(), dir_, Clock::System(), opts, access);
    if (!db.ok()) {
      std::printf("FAIL %s: cannot open the data directory: %s\n", path_.c_str(),
                  db.status().ToString().c_str());
      return false;
    }
    db_ = std::move(*db);
    if (!connected_.empty()) return Connect(connected_).empty();  // the same credentials again
    return true;
  }

  // connect                  back to the embedded mode (every right)
  // connect USER PASSWORD    statements run as USER
  // connect token NAME       statements run with the token NAME (its secret is the one the last
  //                          CREATE TOKEN NAME returned)
  std::string Connect(const std::vector<std::string>& header) {
    options_.principal = nullptr;
    connected_.clear();
    if (header.size() == 1) return "";
    Result<std::shared_ptr<const security::Principal>> p = Status::OK();
    if (header.size() == 3 && header[1] == "token") {
      auto it = secrets_.find(header[2]);
      if (it == secrets_.end()) return "no CREATE TOKEN " + header[2] + " ran before";
      p = db_->access().AuthenticateToken(it->second);
    } else if (header.size() == 3) {
      p = db_->access().AuthenticatePassword(header[1], header[2]);
    } else {
      return "usage: connect [USER PASSWORD | token NAME]";
    }
    if (!p.ok()) return "cannot connect: " + p.status().ToString();
    options_.principal = *p;
    connected_ = header;
    return "";
  }

  // Keeps the secrets CREATE TOKEN returns (columns name, token), for `connect token NAME`.
  void KeepSecrets(const QueryResult& r) {
    if (r.names.size() < 2 || r.names[0] != "name" || r.names[1] != "token") return;
    for (const auto& c : r.chunks)
      for (size_t i = 0; i < c.num_rows; ++i) {
        std::string name, secret;
        FormatText(*c.columns[0], i, &name);
        FormatText(*c.columns[1], i, &secret);
        secrets_[name] = secret;
      }
  }

  std::string RunOne(const Record& r) {
    if (r.kind == "restart") return Reopen() ? "" : "restart failed";
    if (r.kind == "connect") {  // with lines after ----: the connection must fail with them
      std::string why = Connect(r.header);
      if (r.expected.empty()) return why;
      if (why.empty()) return "expected the connection to fail, it succeeded";
      for (const auto& e : r.expected)
        if (why.find(e) == std::string::npos)
          return fmt::format("the error does not contain '{}':\n{}", e, why);
      return "";
    }
    if (r.kind ==
        "load_events") {  // load_events N: table `events` with N events of the standard workload (seed 42)
      if (r.header.size() != 2) return "usage: load_events N";
      uint64_t n = std::stoull(r.header[1]);
      auto t = db_->catalog().CreateTable(sources::EventsSchema(), /*if_not_exists=*/true);
      if (!t.ok()) return t.status().ToString();
      sources::EventGenerator gen({.seed = 42, .rows = n});
      for (uint64_t done = 0; done < n; done += 65536) {
        Status st = (*t)->Append(gen.Next(std::min<uint64_t>(65536, n - done)));
        if (!st.ok()) return st.ToString();
      }
      Status st = (*t)->Flush();
      return st.ok() ? "" : st.ToString();
    }
    if (r.kind == "rows") {  // rows TABLE N: the table holds N rows (storage-level check)
      if (r.header.size() != 3) return "usage: rows TABLE N";
      auto t = db_->catalog().GetTable(r.header[1]);
      if (!t.ok()) return t.status().ToString();
      uint64_t n = (*t)->Stats().rows;
      return std::to_string(n) == r.header[2] ? ""
                                              : fmt::format("expected {} rows, found {}", r.header[2], n);
    }
    if (r.kind == "flush") {  // flush TABLE: write the table's buffered rows into a part
      if (r.header.size() != 2) return "usage: flush TABLE";
      auto t = db_->catalog().GetTable(r.header[1]);
      if (!t.ok()) return t.status().ToString();
      Status st = (*t)->Flush();
      return st.ok() ? "" : st.ToString();
    }
    if (r.kind == "statement") {
      if (r.header.size() < 2) return "expected 'statement ok' or 'statement error'";
      auto res = db_->Execute(r.sql, options_);
      if (res.ok()) KeepSecrets(*res);
      if (r.header[1] == "ok") return res.ok() ? "" : "unexpected error: " + res.status().ToString();
      if (r.header[1] != "error") return "expected 'statement ok' or 'statement error'";
      if (res.ok()) return "expected an error, the statement succeeded";
      // `statement error CODE` also checks the error's code name, e.g. PERMISSION_DENIED.
      if (r.header.size() > 2 && ErrorCodeName(res.status().code()) != r.header[2])
        return fmt::format("expected a {} error, got {}", r.header[2], res.status().ToString());
      for (const auto& e : r.expected)
        if (res.status().message().find(e) == std::string::npos)
          return fmt::format("the error does not contain '{}':\n{}", e, res.status().message());
      return "";
    }
    if (r.kind == "query") {
      if (r.header.size() < 2) return "usage: query TYPES [nosort|rowsort|valuesort]";
      const std::string& types = r.header[1];
      std::string sort = r.header.size() > 2 ? r.header[2] : "nosort";
      auto res = db_->Execute(r.sql, options_);
      if (!res.ok()) return "unexpected error: " + res.status().ToString();
      if (res->names.size() != types.size())
        return fmt::format("the query returns {} columns, the test expects {}", res->names.size(),
                           types.size());
      std::vector<std::string> rows, values;
      for (const auto& chunk : res->chunks)
        for (size_t i = 0; i < chunk.num_rows; ++i) {
          std::string row;
          for (size_t c = 0; c < chunk.columns.size(); ++c) {
            std::string cell = FormatCell(*chunk.columns[c], i, types[c]);
            values.push_back(cell);
            row += (c ? "\t" : "") + cell;
          }
          rows.push_back(row);
        }
      std::vector<std::string> expected = r.expected;
      if (sort == "rowsort") {
        std::sort(rows.begin(), rows.end());
        std::sort(expected.begin(), expected.end());
      } else if (sort == "valuesort") {
        rows = values;
        std::sort(rows.begin(), rows.end());
        std::vector<std::string> ev;
        for (const auto& l : expected) {
          std::istringstream in(l);
          for (std::string v; std::getline(in, v, '\t');) ev.push_back(v);
        }
        std::sort(ev.begin(), ev.end());
        expected = ev;
      }
      if (rows == expected) return "";
      std::string msg = "expected:\n";
      for (const auto& e : expected) msg += "  " + e + "\n";
      msg += "actual:\n";
      for (const auto& a : rows) msg += "  " + a + "\n";
      return msg;
    }
    return "unknown record '" + r.kind + "'";
  }

  std::string path_;
  std::string dir_;
  std::unique_ptr<Database> db_;
  QueryOptions options_;                        // the principal of `connect`
  std::vector<std::string> connected_;          // the `connect` record in effect
  std::map<std::string, std::string> secrets_;  // token name -> secret
};

}  // namespace

int main(int argc, char** argv) {
  int passed = 0, failed = 0;
  for (int i = 1; i < argc; ++i) failed += Runner(argv[i]).Run(&passed);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 && argc > 1 ? 0 : 1;
}
