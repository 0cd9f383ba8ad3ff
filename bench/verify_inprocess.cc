// In-process benchmark of POST /api/v1/verify: the same Dispatch() the HTTP
// layer calls, no sockets, so the figures are the server's own work. A --dev
// App on an on-disk SQLite file (WAL, synchronous=FULL) in a temporary folder;
// one resident declares and reads a code, a verifier logs in, then N verifies
// run on T threads. Under valgrind --tool=callgrind only the verify loop is
// counted (instrumentation is switched on around it), so
//   valgrind --tool=callgrind --instr-atstart=no build/bench/verify-inprocess 200 1
// gives instructions per verify = total Ir / 200, repeatably.
//
// With MODE "code" the loop is GET /api/v1/persons/{id}/code of that resident
// instead (the stored verdict, one signature).
//
// Usage: verify-inprocess [N=2000] [THREADS=1] [MODE=verify|code]
#include <valgrind/callgrind.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_app.h"
#include "server/domain/write_behind.h"

using namespace ankang::server;
using namespace ankang::server::bench;

namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int threads = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
  const std::string mode = argc > 3 ? argv[3] : "verify";
  BenchApp app;

  const std::string phone = "13912345678";
  Answer otp = Call(*app, "POST", "/api/v1/auth/otp", "{\"phone\":\"" + phone + "\"}");
  Answer login =
      Call(*app, "POST", "/api/v1/auth/login",
           "{\"phone\":\"" + phone + "\",\"code\":\"" + otp.json.value("dev_code", "") + "\"}");
  const std::string token = login.json.value("token", "");
  const std::string decl =
      R"({"person":{"name":"张小三","id_type":"resident_id","id_number":"11010519491231002X",
      "phone":"13912345678","nationality":"CHN","region":"370102","address":"历下区某路1号",
      "relation":"self"},"health":{"temperature":36.6,"symptoms":[],"fever_clinic_14d":false},
      "travel_14d":[],"contact_14d":"none","commitment":true})";
  Answer d = Call(*app, "POST", "/api/v1/declarations", decl, token);
  if (d.status != 201) {
    std::fprintf(stderr, "declaration failed: %d %s\n", d.status, d.json.dump().c_str());
    return 1;
  }
  const std::string qr = d.json["code"].value("qr", "");
  const std::string code_path = "/api/v1/persons/" + d.json.value("person_id", "") + "/code";
  Answer staff = Call(*app, "POST", "/api/v1/auth/staff",
                      R"({"username":"verifier","password":"ankang-dev"})");
  const std::string vtok = staff.json.value("token", "");
  const std::string body = "{\"qr\":\"" + qr + "\"}";
  Answer check = Call(*app, "POST", "/api/v1/verify", body, vtok);
  if (check.status != 200 || check.json.value("status", "") != "current") {
    std::fprintf(stderr, "verify failed: %d %s\n", check.status, check.json.dump().c_str());
    return 1;
  }

  // The verdict computed by the answers above is stored before measuring
  // (a running server's background writer does so within 2 s).
  Call(*app, "GET", code_path, "", token);
  app->write_behind->Flush();

  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  CALLGRIND_START_INSTRUMENTATION;
  std::vector<std::thread> pool;
  std::vector<int> bad(threads, 0);
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = t; i < n; i += threads) {
        Request r;
        r.ip = "127.0.0.1";
        if (mode == "code") {
          r.method = "GET";
          r.path = code_path;
          r.headers["authorization"] = "Bearer " + token;
        } else {
          r.method = "POST";
          r.path = "/api/v1/verify";
          r.body = body;
          r.headers["authorization"] = "Bearer " + vtok;
        }
        Response resp = Dispatch(*app, std::move(r));
        if (resp.status != Status::kOk) ++bad[t];
      }
    });
  }
  for (auto& th : pool) th.join();
  CALLGRIND_STOP_INSTRUMENTATION;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - cpu0;
  int failures = 0;
  for (int b : bad) failures += b;
  std::printf("%s %d threads %d failures %d wall %.3f s (%.1f us each, %.0f/s) cpu %.1f us each\n",
              mode == "code" ? "codes" : "verifies", n, threads, failures, wall, 1e6 * wall / n,
              n / wall, 1e6 * cpu / n);
  return failures == 0 ? 0 : 1;
}
