// The baseline for bench/verify.sh: Pistache's bare Http::Handler answering
// a fixed JSON body to every request, with the same endpoint options as
// ankang-server. Usage: bare-pistache PORT [THREADS]
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>

using namespace Pistache;

class Bare : public Http::Handler {
 public:
  HTTP_PROTOTYPE(Bare)
  void onRequest(const Http::Request&, Http::ResponseWriter w) override {
    w.send(Http::Code::Ok, R"({"valid":true,"status":"current","color":"green"})",
           MIME(Application, Json));
  }
};

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 9090;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  Http::Endpoint endpoint(Address("127.0.0.1", Port(static_cast<uint16_t>(port))));
  endpoint.init(Http::Endpoint::options()
                    .threads(threads)
                    .flags(Tcp::Options::ReuseAddr)
                    .maxRequestSize(80 * 1024)
                    .keepaliveTimeout(std::chrono::seconds(60)));
  endpoint.setHandler(Http::make_handler<Bare>());
  endpoint.serveThreaded();
  std::printf("bare-pistache listening on 127.0.0.1:%d\n", port);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&sigs, &sig);
  endpoint.shutdown();
  return 0;
}
