// Shared by the in-process benchmarks (verify_inprocess.cc, rescore_bench.cc):
// a --dev App on an on-disk SQLite file (WAL, synchronous=FULL) in a temporary
// folder that is removed afterwards, and one API call through the same
// Dispatch() the HTTP layer uses.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "server/app.h"
#include "server/crypto/crypto.h"
#include "server/http/pistache_server.h"
#include "server/store/sqlite.h"

namespace ankang::server::bench {

struct Answer {
  int status = 0;
  Json json;
};

inline Answer Call(App& app, const std::string& method, const std::string& path,
                   const std::string& body, const std::string& token = "") {
  Request r;
  r.method = method;
  r.path = path;
  r.ip = "127.0.0.1";
  r.body = body;
  if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
  Response resp = Dispatch(app, std::move(r));
  return Answer{HttpCode(resp.status), Json::parse(resp.body, nullptr, false)};
}

class BenchApp {
 public:
  BenchApp() {
    InitCrypto();
    char tmpl[] = "/tmp/ankang-bench-XXXXXX";
    dir_ = mkdtemp(tmpl);
    Options o;
    o.dev = true;
    o.quiet = true;
    o.data = dir_;
    KeyFiles keys;
    keys.data = DataKeys::Random();
    keys.signing = SigningKeys::Generate(SystemClock().Now());
    app_ = MakeApp(o, OpenSqliteStorage(dir_ + "/ankang.db"), std::move(keys));
  }
  ~BenchApp() {
    app_.reset();
    std::filesystem::remove_all(dir_);
  }
  BenchApp(const BenchApp&) = delete;
  BenchApp& operator=(const BenchApp&) = delete;
  App& operator*() { return *app_; }
  App* operator->() { return app_.get(); }

 private:
  std::string dir_;
  std::unique_ptr<App> app_;
};

}  // namespace ankang::server::bench
