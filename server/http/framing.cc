#include "server/http/framing.h"

#include <cctype>

namespace ankang::server {
namespace {

Framing Refuse(Status status, std::string code, std::string message) {
  Framing f;
  f.kind = Framing::Kind::kRefused;
  f.status = status;
  f.code = std::move(code);
  f.message = std::move(message);
  return f;
}

Framing BodyTooLarge(const FramingLimits& limits) {
  return Refuse(Status::kTooLarge, "too_large",
                "The body is larger than " + std::to_string(limits.max_body_bytes) + " bytes.");
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Framing BadRequest(std::string message) {
  return Refuse(Status::kBadRequest, "bad_request", std::move(message));
}

// RFC 9110 tchar: the letters of a method or a header name.
bool IsTchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTchar(c)) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != lower[i]) return false;
  }
  return true;
}

// Whether a comma-separated header value lists `lower_token` (case-insensitive).
bool ListHas(std::string_view value, std::string_view lower_token) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    if (EqualsLower(Trim(value.substr(0, comma)), lower_token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

// "METHOD SP target SP HTTP/1.x": the only shape passed on.
bool ValidRequestLine(std::string_view line, bool* http10) {
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || !IsToken(line.substr(0, sp1))) return false;
  const size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp2 == sp1 + 1) return false;
  for (char c : line.substr(sp1 + 1, sp2 - sp1 - 1)) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  const std::string_view version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return false;
  *http10 = version == "HTTP/1.0";
  return true;
}

// The chunked body starting at bytes[pos]: "HEX CRLF data CRLF" ... "0 CRLF CRLF"
// (no extensions, no trailers: what Pistache 0.0.5 parses correctly).
Framing FrameChunked(std::string_view bytes, size_t pos, const FramingLimits& limits, Framing f) {
  size_t total = 0;
  for (;;) {
    const size_t eol = bytes.find("\r\n", pos);
    const size_t line_end = eol == std::string_view::npos ? bytes.size() : eol;
    std::string_view digits = bytes.substr(pos, line_end - pos);
    if (eol == std::string_view::npos && !digits.empty() && digits.back() == '\r') {
      digits.remove_suffix(1);  // the CR is here, its LF not yet
    }
    if (digits.size() > 16) return BadRequest("A chunk size line is too long.");
    size_t size = 0;
    for (char c : digits) {
      const int digit = HexDigit(c);
      if (digit < 0) return BadRequest("A chunk size is not a hexadecimal number.");
      size = size * 16 + static_cast<size_t>(digit);
      if (size > limits.max_body_bytes) return BodyTooLarge(limits);
    }
    if (eol == std::string_view::npos) return f;  // the size line is incomplete
    if (digits.empty()) return BadRequest("A chunk size is missing.");
    total += size;
    if (total > limits.max_body_bytes) return BodyTooLarge(limits);
    pos = eol + 2;
    // Many tiny chunks: their framing counts against the head's allowance.
    if (pos + size > limits.max_head_bytes + limits.max_body_bytes) return BodyTooLarge(limits);
    if (bytes.size() < pos + size + 2) return f;  // data and its CRLF not all here
    if (bytes.substr(pos + size, 2) != "\r\n")
      return BadRequest("A chunk is longer than its size.");
    pos += size + 2;
    if (size == 0) {
      f.kind = Framing::Kind::kRequest;
      f.length = pos;
      return f;
    }
  }
}

}  // namespace

Framing FrameRequest(std::string_view bytes, const FramingLimits& limits) {
  Framing f;
  const size_t blank = bytes.find("\r\n\r\n");
  if (blank == std::string_view::npos) {
    if (bytes.size() > limits.max_head_bytes) {
      return Refuse(Status::kTooLarge, "too_large", "The request headers are too large.");
    }
    // A request line can be judged as soon as it is complete.
    const size_t eol = bytes.find("\r\n");
    bool http10 = false;
    if (eol != std::string_view::npos && !ValidRequestLine(bytes.substr(0, eol), &http10)) {
      return BadRequest("Malformed request line.");
    }
    return f;
  }
  f.head_length = blank + 4;
  if (f.head_length > limits.max_head_bytes) {
    return Refuse(Status::kTooLarge, "too_large", "The request headers are too large.");
  }
  const std::string_view head = bytes.substr(0, blank + 2);  // every line ends in CRLF
  size_t eol = head.find("\r\n");
  bool http10 = false;
  if (!ValidRequestLine(head.substr(0, eol), &http10)) return BadRequest("Malformed request line.");
  bool has_length = false;
  size_t content_length = 0;
  int encodings = 0;
  bool keep_alive = false;
  for (size_t pos = eol + 2; pos < head.size(); pos = eol + 2) {
    eol = head.find("\r\n", pos);
    const std::string_view line = head.substr(pos, eol - pos);
    if (line.find('\r') != std::string_view::npos || line.find('\n') != std::string_view::npos ||
        line.find('\0') != std::string_view::npos) {
      return BadRequest("A header line holds a bare CR, LF or NUL.");
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
      return BadRequest("Malformed header line.");  // obs-fold and spaces before ':' included
    }
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsLower(name, "content-length")) {
      if (has_length) return BadRequest("Content-Length appears more than once.");
      has_length = true;
      if (value.empty() || value.size() > 12) {
        if (value.size() > 12 && value.find_first_not_of("0123456789") == std::string_view::npos) {
          return BodyTooLarge(limits);
        }
        return BadRequest("Content-Length is not a number of bytes.");
      }
      for (char c : value) {
        if (c < '0' || c > '9') return BadRequest("Content-Length is not a number of bytes.");
        content_length = content_length * 10 + static_cast<size_t>(c - '0');
      }
    } else if (EqualsLower(name, "transfer-encoding")) {
      ++encodings;
      if (!EqualsLower(value, "chunked")) {
        return BadRequest("Only the chunked transfer coding is understood.");
      }
    } else if (EqualsLower(name, "connection")) {
      if (ListHas(value, "close")) f.close = true;
      if (ListHas(value, "keep-alive")) keep_alive = true;
    }
  }
  if (http10 && !keep_alive) f.close = true;
  if (encodings > 1) return BadRequest("Transfer-Encoding appears more than once.");
  if (encodings == 1 && has_length) {
    return BadRequest("Content-Length and Transfer-Encoding together.");
  }
  if (encodings == 1 && http10) return BadRequest("Transfer-Encoding in an HTTP/1.0 request.");
  if (encodings == 1) {
    f.chunked = true;
    return FrameChunked(bytes, f.head_length, limits, f);
  }
  if (content_length > limits.max_body_bytes) return BodyTooLarge(limits);
  if (bytes.size() < f.head_length + content_length) return f;
  f.kind = Framing::Kind::kRequest;
  f.length = f.head_length + content_length;
  return f;
}

}  // namespace ankang::server
