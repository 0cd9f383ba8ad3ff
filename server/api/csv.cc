#include "server/api/csv.h"

#include <algorithm>
#include <cctype>

#include "shared/mask.h"

namespace ankang::server {

Json LineError(int64_t line, const std::string& code, const std::string& msg) {
  return {{"line", line}, {"code", code}, {"message", msg}};
}

std::string SafeEcho(const std::string& value) {
  const auto digits = std::count_if(value.begin(), value.end(),
                                    [](unsigned char c) { return c >= '0' && c <= '9'; });
  if (digits >= 7) return MaskIdNumber(value);
  size_t chars = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const bool starts_char = (static_cast<unsigned char>(value[i]) & 0xC0) != 0x80;
    if (starts_char && ++chars > 32) return value.substr(0, i) + "…";
  }
  return value;
}

bool SplitCsvLine(const std::string& line, std::vector<std::string>* out) {
  out->clear();
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out->push_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out->push_back(Trim(cur));
  return !quoted;
}

std::optional<CsvChunk> ReadCsv(const Request& req, Response* err) {
  auto body = ParseJsonObject(req, err);
  if (!body) return std::nullopt;
  CsvChunk c;
  if (body->contains("first_line") && (*body)["first_line"].is_number_integer()) {
    // get<int64_t> of a number above INT64_MAX wraps: read it signed or unsigned as stored.
    const Json& n = (*body)["first_line"];
    const bool huge = n.is_number_unsigned() && n.get<uint64_t>() > uint64_t{kMaxCsvFirstLine};
    if (huge || n.get<int64_t>() > kMaxCsvFirstLine) {
      *err = ErrorResponse(Status::kBadRequest, "bad_first_line",
                           "first_line must be at most " + std::to_string(kMaxCsvFirstLine) + ".");
      return std::nullopt;
    }
    c.first_line = std::max<int64_t>(1, n.get<int64_t>());
  }
  const std::string csv = StrField(*body, "csv");
  size_t i = 0;
  while (i <= csv.size()) {
    size_t j = csv.find('\n', i);
    if (j == std::string::npos) j = csv.size();
    c.lines.push_back(csv.substr(i, j - i));
    i = j + 1;
  }
  while (!c.lines.empty() && Trim(c.lines.back()).empty()) c.lines.pop_back();
  if (c.lines.size() > kMaxCsvLines) {
    *err = ErrorResponse(Status::kTooLarge, "too_many_lines",
                         "At most " + std::to_string(kMaxCsvLines) + " lines per request.");
    return std::nullopt;
  }
  return c;
}

bool IsHeader(const std::vector<std::string>& f, const char* first) {
  if (f.empty()) return false;
  std::string s = f[0];
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xEF) s = s.substr(3);  // UTF-8 BOM
  return s == first;
}

}  // namespace ankang::server
