// The writes a read causes, done behind it: displaying or verifying a code
// never waits for the disk. Today's colour of each person (the daily
// statistics), a verdict computed on a read (with persons.last_color) and the review auto-issue are
// queued in memory and written by a background thread in one transaction
// every few seconds, and at Flush() (before the statistics are read, before a
// recolouring stores colours, and when the server stops).
//
// What a crash loses: the queue of the last flush interval. None of it is an
// acknowledged write: a lost colour is stored again at the person's next code,
// a lost auto-issue is applied again at the next read (it is idempotent), and
// a lost statistics entry is missing from that day's count unless the person's
// code is shown again that day. With several processes on one database (--db)
// each keeps its own queue: a console reads another process's displays up to
// one interval late.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server/store/storage.h"

namespace ankang::server {

struct WriteBehindOptions {
  int flush_ms = 2000;  // Default: every 2 s
  // Called after each flush that wrote something: the transaction's duration
  // (seconds) and the entries written. Default: none.
  std::function<void(double, size_t)> on_flush;
};

class WriteBehind {
 public:
  // Starts the background thread. REQUIRES: db outlives this object.
  explicit WriteBehind(Storage* db, WriteBehindOptions opts = {});
  // Stops the thread and flushes what is queued.
  ~WriteBehind();
  WriteBehind(const WriteBehind&) = delete;
  WriteBehind& operator=(const WriteBehind&) = delete;

  // The person's colour on `day` (color_days; the latest one of the day wins).
  void ColourDay(const std::string& day, const std::string& person_id, const std::string& region,
                 const std::string& colour);
  // A verdict computed on a read (Storage::StoreVerdict: dropped if the
  // person's data moved since it was read).
  void Verdict(const std::string& person_id, const VerdictRow& v);
  // A declaration whose review the deadline issued, with its audit entry
  // (queued once per declaration).
  void AutoIssue(const DeclarationRow& d, const AuditRow& audit);
  // sessions.last_seen_at (the device list; a deleted session stays deleted),
  // and for a device session its end moved on to at least `expires_at` (0: kept).
  void SessionSeen(const std::string& token_hash, int64_t at, int64_t expires_at = 0);

  // Everything queued before the call is committed when it returns (or
  // logged as lost if the database refuses it). REQUIRES: the calling thread
  // is not inside Storage::Transaction().
  void Flush();

  // Entries waiting for the next flush.
  size_t Queued();

 private:
  struct Queue {
    std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>>
        colour_days;                             // (day, person) -> (region, colour)
    std::map<std::string, VerdictRow> verdicts;  // by person
    std::map<std::string, std::pair<DeclarationRow, AuditRow>> auto_issues;  // by declaration
    std::map<std::string, std::pair<int64_t, int64_t>> sessions_seen;  // hash -> at, expires_at
    size_t size() const {
      return colour_days.size() + verdicts.size() + auto_issues.size() + sessions_seen.size();
    }
    bool empty() const {
      return colour_days.empty() && verdicts.empty() && auto_issues.empty() &&
             sessions_seen.empty();
    }
  };
  void Run();
  void Write(const Queue& q);

  Storage* db_;
  WriteBehindOptions opts_;
  std::mutex mu_;        // guards queue_ and stop_
  std::mutex flush_mu_;  // one flush at a time, so writes keep their order
  std::condition_variable wake_;
  Queue queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ankang::server
