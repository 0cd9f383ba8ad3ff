// The floors for bench/floors.sh: Pistache's bare Http::Handler (the same
// endpoint options as ankang-server) doing only the
// work per request that no implementation of the endpoint can skip.
//
//   bare     nothing: a fixed JSON answer (Pistache's own cost; bench/verify.sh);
//   verify   one Ed25519 verify (libsodium crypto_sign_verify_detached) of a
//            signed payload as large as Ankang's token, then a fixed JSON
//            answer the size of Ankang's verify answer's core;
//   sign     one Ed25519 signature (crypto_sign_detached) of such a payload,
//            which carries a per-request counter, answered as a Base45 text
//            of ~220 characters in JSON (what GET /persons/{id}/code must at
//            least send: a signed token);
//   sign-qr  the same plus one libqrencode matrix of that Base45 text (the
//            same QRcode_encodeString call as server/render/qr.cc), sent as
//            one '0'/'1' character per module.
//
// The request (path, headers, body) is ignored: bench/floors.sh sends the
// floors the same requests it sends ankang-server, through the same wrk script.
// The signed text's length is the 4th argument (default 219 characters, as
// issue 10's "~220"); bench/floors.sh passes the length of ankang-server's
// screen token so that the floors sign and draw a text as long as Ankang's.
// Usage: floor-pistache bare|verify|sign|sign-qr PORT [THREADS] [TEXT_CHARS]
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <qrencode.h>
#include <signal.h>
#include <sodium.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace Pistache;

namespace {

// Payload before the signature: by default 82 bytes + 64 of signature = 146
// bytes, which Base45 turns into 219 characters.
size_t g_payload = 82;

unsigned char g_pk[crypto_sign_PUBLICKEYBYTES];
unsigned char g_sk[crypto_sign_SECRETKEYBYTES];
std::vector<unsigned char> g_fixed;               // the payload (the verify floor's message)
unsigned char g_fixed_sig[crypto_sign_BYTES];
std::atomic<uint64_t> g_counter{0};

// RFC 9285 Base45 (text encoding only, the same as shared/token.cc).
std::string Base45(const unsigned char* data, size_t n) {
  static const char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  std::string out;
  out.reserve(n / 2 * 3 + 2);
  size_t i = 0;
  for (; i + 1 < n; i += 2) {
    unsigned v = data[i] * 256u + data[i + 1];
    out.push_back(kAlphabet[v % 45]);
    v /= 45;
    out.push_back(kAlphabet[v % 45]);
    out.push_back(kAlphabet[v / 45]);
  }
  if (i < n) {
    out.push_back(kAlphabet[data[i] % 45]);
    out.push_back(kAlphabet[data[i] / 45]);
  }
  return out;
}

// A signed token: payload (with the counter in its first 8 bytes) + signature.
std::string SignedText() {
  unsigned char buf[512];
  std::memcpy(buf, g_fixed.data(), g_payload);
  const uint64_t n = g_counter.fetch_add(1, std::memory_order_relaxed);
  std::memcpy(buf, &n, sizeof n);
  crypto_sign_detached(buf + g_payload, nullptr, buf, g_payload, g_sk);
  return Base45(buf, g_payload + crypto_sign_BYTES);
}

enum class Mode { kBare, kVerify, kSign, kSignQr };

class Floor : public Http::Handler {
 public:
  HTTP_PROTOTYPE(Floor)
  explicit Floor(Mode m) : mode_(m) {}

  void onRequest(const Http::Request&, Http::ResponseWriter w) override {
    if (mode_ == Mode::kBare) {  // no work at all: Pistache's own cost
      w.send(Http::Code::Ok, R"({"valid":true,"status":"current","color":"green"})",
             MIME(Application, Json));
      return;
    }
    if (mode_ == Mode::kVerify) {
      if (crypto_sign_verify_detached(g_fixed_sig, g_fixed.data(), g_payload, g_pk) != 0) {
        w.send(Http::Code::Internal_Server_Error, "bad signature");
        return;
      }
      w.send(Http::Code::Ok,
             R"({"valid":true,"status":"current","color":"green","name_masked":"张*三","id_tail":"002X"})",
             MIME(Application, Json));
      return;
    }
    const std::string text = SignedText();
    std::string body = "{\"qr\":\"" + text + "\"";
    if (mode_ == Mode::kSignQr) {
      QRcode* code = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
      if (code == nullptr) {
        w.send(Http::Code::Internal_Server_Error, "qrencode failed");
        return;
      }
      const size_t n = static_cast<size_t>(code->width) * code->width;
      body += ",\"qr_version\":" + std::to_string(code->version) + ",\"qr_size\":" +
              std::to_string(code->width) + ",\"qr_matrix\":\"";
      body.reserve(body.size() + n + 2);
      for (size_t i = 0; i < n; ++i) body.push_back((code->data[i] & 1) ? '1' : '0');
      body += "\"";
      QRcode_free(code);
    }
    body += "}";
    w.send(Http::Code::Ok, body, MIME(Application, Json));
  }

 private:
  Mode mode_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: floor-pistache bare|verify|sign|sign-qr PORT [THREADS] [TEXT_CHARS]\n");
    return 2;
  }
  const std::string m = argv[1];
  Mode mode;
  if (m == "bare") {
    mode = Mode::kBare;
  } else if (m == "verify") {
    mode = Mode::kVerify;
  } else if (m == "sign") {
    mode = Mode::kSign;
  } else if (m == "sign-qr") {
    mode = Mode::kSignQr;
  } else {
    std::fprintf(stderr, "unknown floor %s\n", argv[1]);
    return 2;
  }
  const int port = std::atoi(argv[2]);
  const int threads = argc > 3 ? std::atoi(argv[3]) : 2;
  const int chars = argc > 4 ? std::atoi(argv[4]) : 219;
  // Base45: 2 bytes -> 3 characters, a last odd byte -> 2.
  const size_t bytes = static_cast<size_t>(chars / 3 * 2 + (chars % 3 == 2 ? 1 : 0));
  if (bytes < crypto_sign_BYTES + 8 || bytes > 512) {
    std::fprintf(stderr, "TEXT_CHARS out of range\n");
    return 2;
  }
  g_payload = bytes - crypto_sign_BYTES;
  if (sodium_init() < 0) return 1;
  crypto_sign_keypair(g_pk, g_sk);
  g_fixed.resize(g_payload);
  randombytes_buf(g_fixed.data(), g_payload);
  crypto_sign_detached(g_fixed_sig, nullptr, g_fixed.data(), g_payload, g_sk);

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
  endpoint.setHandler(Http::make_handler<Floor>(mode));
  endpoint.serveThreaded();
  std::printf("floor-pistache %s listening on 127.0.0.1:%d\n", argv[1], port);
  std::fflush(stdout);
  int sig = 0;
  sigwait(&sigs, &sig);
  endpoint.shutdown();
  return 0;
}
