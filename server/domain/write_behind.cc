#include "server/domain/write_behind.h"

#include <chrono>
#include <cstdio>
#include <exception>

namespace ankang::server {

WriteBehind::WriteBehind(Storage* db, WriteBehindOptions opts)
    : db_(db), opts_(opts), thread_([this] { Run(); }) {}

WriteBehind::~WriteBehind() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  Flush();
}

void WriteBehind::ColourDay(const std::string& day, const std::string& person_id,
                            const std::string& region, const std::string& colour) {
  std::lock_guard<std::mutex> l(mu_);
  queue_.colour_days[{day, person_id}] = {region, colour};
}

void WriteBehind::Verdict(const std::string& person_id, const VerdictRow& v) {
  std::lock_guard<std::mutex> l(mu_);
  queue_.verdicts[person_id] = v;
}

void WriteBehind::AutoIssue(const DeclarationRow& d, const AuditRow& audit) {
  std::lock_guard<std::mutex> l(mu_);
  queue_.auto_issues.try_emplace(d.id, d, audit);
}

void WriteBehind::SessionSeen(const std::string& token_hash, int64_t at, int64_t expires_at) {
  std::lock_guard<std::mutex> l(mu_);
  queue_.sessions_seen[token_hash] = {at, expires_at};
}

void WriteBehind::Flush() {
  std::lock_guard<std::mutex> f(flush_mu_);
  Queue q;
  {
    std::lock_guard<std::mutex> l(mu_);
    std::swap(q, queue_);
  }
  if (q.empty()) return;
  try {
    const auto start = std::chrono::steady_clock::now();
    Write(q);
    if (opts_.on_flush) {
      opts_.on_flush(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
          q.size());
    }
  } catch (const std::exception& e) {
    // Nothing here was acknowledged; see the header for what comes back by itself.
    std::fprintf(stderr, "write-behind: %zu statistics, %zu verdicts, %zu auto-issues lost: %s\n",
                 q.colour_days.size(), q.verdicts.size(), q.auto_issues.size(), e.what());
  }
}

size_t WriteBehind::Queued() {
  std::lock_guard<std::mutex> l(mu_);
  return queue_.size();
}

void WriteBehind::Write(const Queue& q) {
  db_->Transaction([&] {
    for (const auto& [d, entry] : q.auto_issues) {
      db_->UpdateReview(entry.first);
      db_->AddAudit(entry.second);
    }
    // After the auto-issues: a verdict computed before one of them (it moved
    // the person's data version) is not stored.
    for (const auto& [person_id, v] : q.verdicts) db_->StoreVerdict(person_id, v);
    for (const auto& [hash, seen] : q.sessions_seen) {
      db_->TouchSession(hash, seen.first, seen.second);
    }
    for (const auto& [key, value] : q.colour_days) {
      db_->RecordColorDay(key.first, key.second, value.first, value.second);
    }
  });
}

void WriteBehind::Run() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    wake_.wait_for(l, std::chrono::milliseconds(opts_.flush_ms), [this] { return stop_; });
    if (stop_) break;
    l.unlock();
    Flush();
    l.lock();
  }
}

}  // namespace ankang::server
