// CSV imports of the admin console (risk areas, case status): the page sends
// a file in chunks of at most kMaxCsvLines lines, {"csv": "...", "first_line": n};
// each record is split with RFC 4180 quoting, and every bad line becomes one
// {"line","code","message"} entry while the good ones are applied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/http/request.h"
#include "shared/json.h"

namespace ankang::server {

constexpr size_t kMaxCsvLines = 2000;  // per request; the page sends chunks
// The largest first_line accepted (a larger one is answered 400): line numbers
// stay far from overflowing and exact in JavaScript.
constexpr int64_t kMaxCsvFirstLine = 1000000000;

struct CsvChunk {
  int64_t first_line = 1;  // line number of lines[0] in the whole file
  std::vector<std::string> lines;
};

// {"csv": "...", "first_line": n} -> lines; on a bad body, a first_line above
// kMaxCsvFirstLine or too many lines *err is the answer (first_line below 1 reads as 1).
std::optional<CsvChunk> ReadCsv(const Request& req, Response* err);

// One CSV record (RFC 4180 quoting within the line), fields trimmed; false on
// an unclosed quote.
bool SplitCsvLine(const std::string& line, std::vector<std::string>* out);

// {"line", "code", "message"}: one entry of an import's error list.
Json LineError(int64_t line, const std::string& code, const std::string& msg);

// A value from the request quoted in an error message: masked as an ID number
// when it holds 7 or more digits (an ID or phone number in the wrong column or
// field must not come back in the report, which may be shared), at most 32
// characters.
std::string SafeEcho(const std::string& value);

// True when the first field is `first` (case-insensitive, after a UTF-8 BOM).
bool IsHeader(const std::vector<std::string>& fields, const char* first);

// Calls fn(line, fields) for each record of a chunk: blank lines and # comments
// are skipped, as is a header on line 1 (first field `header`); a line with an
// unclosed quote becomes a "bad_format" error.
template <typename Fn>
void ForEachRecord(const CsvChunk& chunk, const char* header, Json* errors, Fn fn) {
  std::vector<std::string> f;
  for (size_t i = 0; i < chunk.lines.size(); ++i) {
    const int64_t line = chunk.first_line + static_cast<int64_t>(i);
    const std::string raw = Trim(chunk.lines[i]);
    if (raw.empty() || raw[0] == '#') continue;
    if (!SplitCsvLine(raw, &f)) {
      errors->push_back(LineError(line, "bad_format", "unclosed quote"));
      continue;
    }
    if (line == 1 && IsHeader(f, header)) continue;
    fn(line, f);
  }
}

}  // namespace ankang::server
