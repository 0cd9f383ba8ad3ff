// Where one HTTP/1.x request ends in a connection's byte stream, decided from
// the bytes alone before Pistache 0.0.5's parser sees them. That parser keeps
// the first of two Content-Length headers, answers 500 to "-1" or 21 digits,
// reserves whatever a chunk size says (7FFFFFFF: 2 GB), reads past malformed
// request lines, and drops every request after the first in one read. The
// skin frames each request here, refuses the ambiguous or oversize ones with
// an error (then closes the connection), and hands the parser one whole,
// well-framed request at a time. A pure function: no sockets, no Pistache.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "server/http/request.h"

namespace ankang::server {

struct FramingLimits {
  size_t max_head_bytes = 16 * 1024;  // request line and headers, up to the blank line
  size_t max_body_bytes = 64 * 1024;  // Content-Length, or the chunks' sizes added up
};

struct Framing {
  enum class Kind {
    kNeedMore,  // no verdict yet: the request is incomplete
    kRequest,   // a whole request: its first `length` bytes
    kRefused,   // answer `status` (400 or 413) with `code` / `message`, then close
  };
  Kind kind = Kind::kNeedMore;
  size_t head_length = 0;  // bytes up to and including the blank line; 0 while incomplete
  size_t length = 0;       // kRequest: head and body
  bool chunked = false;    // Transfer-Encoding: chunked (the head is complete)
  bool close = false;      // kRequest: the client asked to close after the answer
  Status status = Status::kBadRequest;
  std::string code;
  std::string message;
};

// Frames the request at the start of `bytes` (a connection's unread input).
// Refused: a malformed request line or header line (obs-fold, no colon, bare
// CR), a Content-Length that is not plain digits or that appears twice,
// Content-Length together with Transfer-Encoding, a transfer coding other than
// "chunked", malformed chunk-size lines (chunk extensions included), a head
// over max_head_bytes or a body over max_body_bytes (413, decided from the
// declared sizes before the body is read).
Framing FrameRequest(std::string_view bytes, const FramingLimits& limits);

}  // namespace ankang::server
