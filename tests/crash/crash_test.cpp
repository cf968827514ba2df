// Crash test with real processes: a child appends acknowledged batches and is killed with SIGKILL at
// random moments (during appends, flushes and merges); after every kill the table is reopened and must
// hold every acknowledged row exactly once, and the next child resumes exactly where the table says.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "io/test_dir.h"
#include "storage/table.h"

namespace aurora {
namespace {

constexpr uint64_t kBatchRows = 5000;

struct ChildRun {
  int64_t last_ack = -1;
  uint64_t flushes = 0, merges = 0;
};

// Runs the child for `millis`, then SIGKILLs it; returns what it acknowledged.
ChildRun RunAndKill(const std::string& dir, int millis) {
  int pipefd[2];
  EXPECT_EQ(::pipe(pipefd), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipefd[1], 1);
    ::close(pipefd[0]);
    std::string rows = std::to_string(kBatchRows);
    ::execl(AURORA_CRASH_CHILD, AURORA_CRASH_CHILD, dir.c_str(), rows.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(pipefd[1]);
  std::this_thread::sleep_for(std::chrono::milliseconds(millis));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the child exited by itself with status " << WEXITSTATUS(status);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out.append(buf, n);
  ::close(pipefd[0]);
  ChildRun run;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    // A line cut by the kill is ignored.
    long long b;
    unsigned long long f, m;
    if (std::sscanf(line.c_str(), "ACK %lld flushes=%llu merges=%llu", &b, &f, &m) == 3) {
      run.last_ack = b;
      run.flushes = f;
      run.merges = m;
    }
  }
  return run;
}

// Reads column seq of the whole table; checks each value appears at most once and returns the count.
std::vector<uint64_t> ReadSeq(const std::string& dir) {
  storage::TableOptions opts;
  opts.background = false;
  auto table = storage::Table::Open(FileSystem::Posix(), dir, Clock::System(), opts);
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  std::vector<uint64_t> seq;
  if (!table.ok()) return seq;
  auto snap = (*table)->Snapshot();
  for (size_t p = 0; p < snap->parts().size(); ++p)
    for (uint32_t g = 0; g < snap->parts()[p]->num_granules(); ++g) {
      auto c = snap->ReadGranule(p, g, {"seq"});
      EXPECT_TRUE(c.ok()) << c.status().ToString();
      if (!c.ok()) continue;
      const uint64_t* v = c->columns[0]->Data<uint64_t>();
      seq.insert(seq.end(), v, v + c->num_rows);
    }
  for (size_t b = 0; b < snap->buffer().size(); ++b) {
    Chunk c = snap->ProjectBuffer(b, {"seq"});
    const uint64_t* v = c.columns[0]->Data<uint64_t>();
    seq.insert(seq.end(), v, v + c.num_rows);
  }
  std::sort(seq.begin(), seq.end());
  return seq;
}

TEST(CrashTest, EveryAcknowledgedRowSurvivesSigkillExactlyOnce) {
  TestDir dir;
  const std::string table_dir = dir.path() + "/crash";
  std::mt19937 rng(std::random_device{}());
  int64_t acked = -1;
  uint64_t flushes = 0, merges = 0;
  const int kRounds = 24;
  for (int round = 0; round < kRounds; ++round) {
    // Mostly short runs (kills during replay, appends and the first flush), some longer ones (merges).
    int millis = round % 4 == 3 ? 1500 + static_cast<int>(rng() % 1500) : 100 + static_cast<int>(rng() % 700);
    ChildRun run = RunAndKill(table_dir, millis);
    flushes += run.flushes;
    merges += run.merges;
    if (run.last_ack >= 0) acked = std::max(acked, run.last_ack);
    std::vector<uint64_t> seq = ReadSeq(table_dir);
    ASSERT_EQ(std::adjacent_find(seq.begin(), seq.end()), seq.end())
        << "a row is present twice after round " << round;
    // Rows form whole batches 0..k with k >= the last acknowledged batch (a batch written but killed
    // before its ACK may be there too: it was durable, just not acknowledged).
    ASSERT_EQ(seq.size() % kBatchRows, 0u);
    uint64_t batches = seq.size() / kBatchRows;
    ASSERT_GE(static_cast<int64_t>(batches), acked + 1) << "acknowledged rows lost after round " << round;
    for (uint64_t i = 0; i < seq.size(); ++i) ASSERT_EQ(seq[i], i) << "gap after round " << round;
  }
  EXPECT_GT(acked, 20) << "the child made too little progress to test anything";
  EXPECT_GT(flushes, 0u);
  EXPECT_GT(merges, 0u);
  std::printf("crash test: %d kills, %lld batches acknowledged, %llu flushes and %llu merges observed\n",
              kRounds, static_cast<long long>(acked + 1), static_cast<unsigned long long>(flushes),
              static_cast<unsigned long long>(merges));
}

}  // namespace
}  // namespace aurora
