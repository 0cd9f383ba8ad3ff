// FrameRequest: where a request ends, and which framings are refused before
// Pistache's parser sees them.
#include "server/http/framing.h"

#include <catch2/catch.hpp>
#include <string>

using ankang::server::FrameRequest;
using ankang::server::Framing;
using ankang::server::FramingLimits;
using ankang::server::Status;
using Kind = Framing::Kind;

namespace {

Framing Frame(const std::string& bytes) { return FrameRequest(bytes, FramingLimits{}); }

}  // namespace

TEST_CASE("a request without a body ends at the blank line", "[framing]") {
  const std::string one = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  Framing f = Frame(one + one);
  REQUIRE(f.kind == Kind::kRequest);
  CHECK(f.length == one.size());
  CHECK_FALSE(f.close);
  for (size_t n = 0; n < one.size(); ++n) {
    CHECK(Frame(one.substr(0, n)).kind == Kind::kNeedMore);
  }
}

TEST_CASE("Content-Length decides where the body ends", "[framing]") {
  const std::string req = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  CHECK(Frame(req.substr(0, req.size() - 1)).kind == Kind::kNeedMore);
  Framing f = Frame(req + "GET / HTTP/1.1\r\n\r\n");
  REQUIRE(f.kind == Kind::kRequest);
  CHECK(f.length == req.size());
  CHECK(f.head_length == req.size() - 5);
}

TEST_CASE("duplicate, signed, huge or non-numeric Content-Length is refused", "[framing]") {
  auto with = [](const std::string& headers) {
    return Frame("POST /a HTTP/1.1\r\n" + headers + "\r\n");
  };
  Framing dup = with("Content-Length: 5\r\nContent-Length: 6\r\n");
  CHECK(dup.kind == Kind::kRefused);
  CHECK(dup.status == Status::kBadRequest);
  CHECK(with("Content-Length: 5\r\ncontent-length: 5\r\n").kind == Kind::kRefused);
  CHECK(with("Content-Length: -1\r\n").status == Status::kBadRequest);
  CHECK(with("Content-Length: 1e20\r\n").status == Status::kBadRequest);
  CHECK(with("Content-Length: +5\r\n").status == Status::kBadRequest);
  CHECK(with("Content-Length: 5, 5\r\n").status == Status::kBadRequest);
  CHECK(with("Content-Length:\r\n").status == Status::kBadRequest);
  Framing huge = with("Content-Length: 100000000000000000000\r\n");
  CHECK(huge.kind == Kind::kRefused);
  CHECK(huge.status == Status::kTooLarge);
  CHECK(with("Content-Length: 70000\r\n").status == Status::kTooLarge);
  CHECK(with("Content-Length: 65536\r\n").kind == Kind::kNeedMore);
}

TEST_CASE("chunked bodies are framed, absurd chunk sizes refused unread", "[framing]") {
  const std::string head = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string body = "5\r\nhello\r\nA\r\n0123456789\r\n0\r\n\r\n";
  Framing f = Frame(head + body + "GET / HTTP/1.1\r\n\r\n");
  REQUIRE(f.kind == Kind::kRequest);
  CHECK(f.chunked);
  CHECK(f.length == head.size() + body.size());
  for (size_t n = 0; n < body.size(); ++n) {
    CHECK(Frame(head + body.substr(0, n)).kind == Kind::kNeedMore);
  }
  Framing absurd = Frame(head + "7FFFFFFF\r\n");
  CHECK(absurd.kind == Kind::kRefused);
  CHECK(absurd.status == Status::kTooLarge);
  CHECK(Frame(head + "7FFFFFFF").status == Status::kTooLarge);  // before the line ends
  CHECK(Frame(head + "FFFFFFFFFFFFFFFFFFFF\r\n").kind == Kind::kRefused);
  CHECK(Frame(head + "5;ext=1\r\nhello\r\n0\r\n\r\n").status == Status::kBadRequest);
  CHECK(Frame(head + "-5\r\n").status == Status::kBadRequest);
  CHECK(Frame(head + "5\r\nhello!\r\n").status == Status::kBadRequest);
  CHECK(Frame(head + std::string(17, '0')).status == Status::kBadRequest);
  std::string many = head;
  while (many.size() < 90 * 1024) many += "1\r\nx\r\n";
  CHECK(Frame(many).status == Status::kTooLarge);
  CHECK(
      Frame("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n").status ==
      Status::kBadRequest);
  CHECK(Frame("POST /a HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").status ==
        Status::kBadRequest);
  CHECK(
      Frame("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n")
          .kind == Kind::kRefused);
}

TEST_CASE("malformed request and header lines are refused", "[framing]") {
  for (const char* bad : {"GET /\r\n", "GET  / HTTP/1.1\r\n", "GET / HTTP/2.0\r\n",
                          "G(T / HTTP/1.1\r\n", "GET / HTTP/1.1 \r\n", "\r\nGET / HTTP/1.1\r\n"}) {
    Framing f = Frame(bad);
    CHECK(f.kind == Kind::kRefused);
    CHECK(f.status == Status::kBadRequest);
  }
  CHECK(Frame("GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n").kind == Kind::kRefused);
  CHECK(Frame("GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\n").kind == Kind::kRefused);
  CHECK(Frame("GET / HTTP/1.1\r\nNoColon\r\n\r\n").kind == Kind::kRefused);
  CHECK(Frame("GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n").kind == Kind::kRefused);
  CHECK(Frame("GET / HTTP/1.1\r\nX-A: " + std::string(20000, 'a')).status == Status::kTooLarge);
}

TEST_CASE("Connection: close and HTTP/1.0 ask to close after the answer", "[framing]") {
  CHECK(Frame("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").close);
  CHECK(Frame("GET / HTTP/1.1\r\nconnection: Keep-Alive, CLOSE\r\n\r\n").close);
  CHECK_FALSE(Frame("GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n").close);
  CHECK(Frame("GET / HTTP/1.0\r\n\r\n").close);
  CHECK_FALSE(Frame("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").close);
}
