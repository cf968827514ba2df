// Runs SQL queries against a data directory, best of N runs each, and prints one JSON line:
//   {"system":"aurora","rows":N,"queries":[{"q":1,"best_seconds":...,"all_seconds":[...]}, ...]}
// Each query runs once untimed (warm-up), then N times; the time is the engine's own: from the SQL text
// entering Database::Execute to the last result row produced (parse, bind, scan, compute), as the peers
// report theirs.
//   queries --data DIR --queries FILE [--runs 5]      (FILE: one query per line, "--" lines ignored)
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "engine/database.h"

using namespace aurora;

int main(int argc, char** argv) {
  CLI::App app{"Aurora query benchmark"};
  std::string data, file;
  int runs = 5;
  app.add_option("--data", data)->required();
  app.add_option("--queries", file)->required();
  app.add_option("--runs", runs);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  std::vector<std::string> queries;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line.rfind("--", 0) != 0) queries.push_back(line);

  storage::TableOptions opts;
  opts.background = false;
  auto db = Database::Open(FileSystem::Posix(), data, Clock::System(), opts);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().ToString().c_str());
    return 1;
  }
  uint64_t rows = 0;
  if (auto t = (*db)->catalog().GetTable("events"); t.ok()) rows = (*t)->Stats().rows;
  std::string out = fmt::format("{{\"system\":\"aurora\",\"rows\":{},\"queries\":[", rows);
  for (size_t q = 0; q < queries.size(); ++q) {
    std::vector<double> times;
    for (int r = 0; r <= runs; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      auto res = (*db)->Execute(queries[q]);
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!res.ok()) {
        std::fprintf(stderr, "Q%zu: %s\n", q + 1, res.status().ToString().c_str());
        return 1;
      }
      if (r > 0) times.push_back(s);
    }
    double best = *std::min_element(times.begin(), times.end());
    out += fmt::format("{}{{\"q\":{},\"best_seconds\":{:.6f},\"all_seconds\":[{:.6f}]}}", q ? "," : "", q + 1,
                       best, fmt::join(times, ","));
  }
  out += "]}";
  std::printf("%s\n", out.c_str());
  return 0;
}
