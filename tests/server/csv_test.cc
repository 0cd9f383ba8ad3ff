// The CSV import chunks (api/csv.h): record splitting and line numbers.
#include "server/api/csv.h"

#include <catch2/catch.hpp>
#include <climits>

using namespace ankang::server;
using ankang::Json;

namespace {

std::optional<CsvChunk> Read(const Json& body, Response* err) {
  Request r;
  r.method = "POST";
  r.body = body.dump();
  return ReadCsv(r, err);
}

}  // namespace

TEST_CASE("a chunk's first_line is at least 1 and at most kMaxCsvFirstLine", "[csv][edge]") {
  Response err;
  auto c = Read(Json{{"csv", "a\nb\n"}, {"first_line", -5}}, &err);
  REQUIRE(c);
  CHECK(c->first_line == 1);
  c = Read(Json{{"csv", "a\nb\n"}, {"first_line", kMaxCsvFirstLine}}, &err);
  REQUIRE(c);
  CHECK(c->first_line == kMaxCsvFirstLine);
  // first_line + the line index overflowed int64 in ForEachRecord (UBSan).
  for (const Json& n : {Json(INT64_MAX), Json(UINT64_MAX), Json(kMaxCsvFirstLine + 1)}) {
    CHECK_FALSE(Read(Json{{"csv", "a\nb\n"}, {"first_line", n}}, &err));
    CHECK(HttpCode(err.status) == 400);
    CHECK(Json::parse(err.body)["error"]["code"] == "bad_first_line");
  }
  c = Read(Json{{"csv", "region,level\n370102,high\n"}, {"first_line", kMaxCsvFirstLine}}, &err);
  REQUIRE(c);
  Json errors = Json::array();
  std::vector<int64_t> lines;
  ForEachRecord(*c, "region", &errors, [&](int64_t line, const std::vector<std::string>&) {
    lines.push_back(line);
  });
  CHECK(lines == std::vector<int64_t>{kMaxCsvFirstLine, kMaxCsvFirstLine + 1});
}

TEST_CASE("SplitCsvLine quotes as RFC 4180 within a line", "[csv]") {
  std::vector<std::string> f;
  CHECK(SplitCsvLine(" a , \"b,c\" ,\"d\"\"e\"", &f));
  CHECK(f == std::vector<std::string>{"a", "b,c", "d\"e"});
  CHECK_FALSE(SplitCsvLine("\"open,", &f));
  CHECK(SplitCsvLine("", &f));
  CHECK(f == std::vector<std::string>{""});
}
