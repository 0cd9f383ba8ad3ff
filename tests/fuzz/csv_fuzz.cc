// libFuzzer target: the CSV import chunks of the admin console
// (server/api/csv.h). An input starting with '{' is the request body as sent
// ({"csv": "...", "first_line": n}); any other input is 8 bytes of first_line
// followed by the CSV text, so mutations reach the line arithmetic and the
// record splitting without having to keep the JSON well-formed. Checks,
// besides the sanitizers: line numbers start at first_line (at least 1) and
// rise by one per line, and every error entry serialises.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "server/api/csv.h"

namespace {

using ankang::Json;
using namespace ankang::server;

void Fail(const char* what) {
  std::fprintf(stderr, "csv fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Request req;
  req.method = "POST";
  if (size > 0 && data[0] == '{') {
    req.body.assign(reinterpret_cast<const char*>(data), size);
  } else {
    if (size < 8) return 0;
    int64_t first_line;
    std::memcpy(&first_line, data, 8);
    Json body = {{"csv", std::string(reinterpret_cast<const char*>(data + 8), size - 8)},
                 {"first_line", first_line}};
    req.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  Response err;
  std::optional<CsvChunk> chunk = ReadCsv(req, &err);
  if (!chunk) {
    if (err.status == Status::kOk) Fail("a refused chunk without an error answer");
    return 0;
  }
  if (chunk->first_line < 1) Fail("first_line below 1");
  if (chunk->lines.size() > kMaxCsvLines) Fail("more lines than the limit");
  Json errors = Json::array();
  int64_t last = 0;
  size_t records = 0;
  for (const char* header : {"region", "id_type"}) {
    ForEachRecord(*chunk, header, &errors, [&](int64_t line, const std::vector<std::string>& f) {
      if (line < chunk->first_line || line <= last) Fail("line numbers do not rise");
      last = line;
      ++records;
      if (f.empty()) Fail("a record without fields");
      errors.push_back(LineError(line, "checked", f[0]));
    });
    last = 0;
  }
  (void)errors.dump(-1, ' ', false, Json::error_handler_t::replace);
  // Each line on its own, as the importers split them.
  std::vector<std::string> fields;
  for (const std::string& line : chunk->lines) {
    if (SplitCsvLine(line, &fields) && fields.empty()) Fail("SplitCsvLine gave no field");
  }
  return 0;
}
