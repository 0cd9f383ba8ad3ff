// Card renderer tests: the QR path reproduces the module matrix exactly, the
// quiet zone is 4 modules, text is escaped, colour words and validity appear
// in the chosen language(s).
#include "shared/card.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace ankang {
namespace {

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

std::string Attr(const std::string& svg, const std::string& element, const std::string& name) {
  const size_t e = svg.find("<" + element);
  if (e == std::string::npos) return "";
  const size_t a = svg.find(" " + name + "=\"", e);
  const size_t end = svg.find('>', e);
  if (a == std::string::npos || a > end) return "";
  const size_t v = a + name.size() + 3;
  return svg.substr(v, svg.find('"', v) - v);
}

// Redraws the matrix from path data made only of "Mx yhNv1h-Nz" runs.
std::vector<uint8_t> Redraw(const std::string& d, int size, int quiet, int* runs) {
  std::vector<uint8_t> m(static_cast<size_t>(size) * size, 0);
  *runs = 0;
  const char* p = d.c_str();
  while (*p) {
    REQUIRE(*p == 'M');
    char* q;
    const long x = std::strtol(p + 1, &q, 10);
    REQUIRE(*q == ' ');
    const long y = std::strtol(q + 1, &q, 10);
    REQUIRE(*q == 'h');
    const long len = std::strtol(q + 1, &q, 10);
    const std::string tail = "v1h-" + std::to_string(len) + "z";
    REQUIRE(std::string(q, tail.size()) == tail);
    p = q + tail.size();
    REQUIRE(len > 0);
    REQUIRE(x >= quiet);
    REQUIRE(y >= quiet);
    REQUIRE(x - quiet + len <= size);
    REQUIRE(y - quiet < size);
    for (long i = 0; i < len; ++i) {
      uint8_t& cell = m[(y - quiet) * size + (x - quiet + i)];
      REQUIRE(cell == 0);  // runs never overlap
      cell = 1;
    }
    ++*runs;
  }
  return m;
}

QrMatrix Pseudo(int size, uint32_t seed) {
  QrMatrix qr;
  qr.size = size;
  qr.modules.resize(static_cast<size_t>(size) * size);
  for (auto& m : qr.modules) {
    seed = seed * 1664525u + 1013904223u;
    m = (seed >> 24) & 1;
  }
  return qr;
}

CardInfo Info(Color c, const std::string& lang) {
  CardInfo info;
  info.color = c;
  info.name_masked = "张*三";
  info.issued_at = "2026-11-21T08:00:00+08:00";
  info.valid_until = "2026-12-05T08:00:00+08:00";
  info.lang = lang;
  return info;
}

TEST_CASE("QR SVG: viewBox has a 4-module quiet zone and one crisp path", "[card]") {
  QrMatrix qr;
  qr.size = 3;
  qr.modules = {1, 1, 0,  //
                0, 1, 0,  //
                1, 0, 1};
  const std::string svg = RenderQrSvg(qr, Color::kGreen);
  CHECK(Attr(svg, "svg", "viewBox") == "0 0 11 11");
  CHECK(Attr(svg, "svg", "shape-rendering") == "crispEdges");
  CHECK(Count(svg, "<path") == 1);
  CHECK(Attr(svg, "path", "fill") == "#1a7f37");
  CHECK(Attr(svg, "path", "d") == "M4 4h2v1h-2zM5 5h1v1h-1zM4 6h1v1h-1zM6 6h1v1h-1z");
  CHECK(Attr(svg, "rect", "fill") == "#ffffff");
  CHECK(Attr(svg, "rect", "width") == "11");
}

TEST_CASE("QR SVG: the path reproduces every module of a version 10 matrix", "[card]") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    const QrMatrix qr = Pseudo(57, seed);  // version 10 is 57x57
    const std::string svg = RenderQrSvg(qr, Color::kRed);
    CHECK(Attr(svg, "svg", "viewBox") == "0 0 65 65");
    int runs = 0;
    const std::vector<uint8_t> redrawn = Redraw(Attr(svg, "path", "d"), 57, 4, &runs);
    CHECK(redrawn == qr.modules);
    // Runs are maximal: one per dark stretch of each row.
    int expected_runs = 0;
    for (int y = 0; y < 57; ++y)
      for (int x = 0; x < 57; ++x)
        if (qr.modules[y * 57 + x] && (x == 0 || !qr.modules[y * 57 + x - 1])) ++expected_runs;
    CHECK(runs == expected_runs);
  }
}

TEST_CASE("QR SVG: colours per code colour", "[card]") {
  const QrMatrix qr = Pseudo(21, 9);
  CHECK(Attr(RenderQrSvg(qr, Color::kGreen), "path", "fill") == "#1a7f37");
  CHECK(Attr(RenderQrSvg(qr, Color::kYellow), "path", "fill") == "#d4a500");
  CHECK(Attr(RenderQrSvg(qr, Color::kRed), "path", "fill") == "#c62828");
  CHECK(Attr(RenderQrSvg(qr, Color::kGray), "path", "fill") == "#555555");
}

TEST_CASE("QR SVG: an inconsistent matrix draws no modules instead of reading past it", "[card]") {
  QrMatrix qr;
  qr.size = 21;
  qr.modules.assign(20, 1);  // too short
  std::string svg = RenderQrSvg(qr, Color::kGreen);
  CHECK(Attr(svg, "path", "d").empty());
  qr.size = -3;
  svg = RenderQrSvg(qr, Color::kGreen);
  CHECK(Attr(svg, "svg", "viewBox") == "0 0 8 8");
}

TEST_CASE("XmlEscape escapes markup characters and drops XML-invalid controls", "[card]") {
  CHECK(XmlEscape("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
  CHECK(XmlEscape("张*三") == "张*三");
  CHECK(XmlEscape(std::string("a\x01\x1f"
                              "b\tc",
                              6)) == "ab\tc");
}

TEST_CASE("Card: a name with <&> is escaped everywhere", "[card]") {
  CardInfo info = Info(Color::kGreen, "zh");
  info.name_masked = "<&>\"";
  info.title = "A&B <script>";
  for (const std::string& svg :
       {RenderCardSvg(Pseudo(25, 4), info), RenderPaperSvg(Pseudo(25, 4), info)}) {
    CHECK(svg.find("<&>") == std::string::npos);
    CHECK(svg.find("<script>") == std::string::npos);
    CHECK(svg.find("&lt;&amp;&gt;&quot;") != std::string::npos);
    CHECK(svg.find("A&amp;B &lt;script&gt;") != std::string::npos);
    // Only the markup we wrote opens tags: every '<' starts a known element.
    for (size_t p = svg.find('<'); p != std::string::npos; p = svg.find('<', p + 1)) {
      const std::string tag = svg.substr(p, 6);
      const bool known = tag.rfind("<svg", 0) == 0 || tag.rfind("</svg", 0) == 0 ||
                         tag.rfind("<rect", 0) == 0 || tag.rfind("<path", 0) == 0 ||
                         tag.rfind("<text", 0) == 0 || tag.rfind("</text", 0) == 0 ||
                         tag.rfind("<title", 0) == 0 || tag.rfind("</titl", 0) == 0;
      CAPTURE(tag);
      CHECK(known);
    }
  }
}

TEST_CASE("Card: colour in words, labels and times in Chinese", "[card]") {
  const std::string svg = RenderCardSvg(Pseudo(29, 5), Info(Color::kGreen, "zh"));
  CHECK(Attr(svg, "svg", "role") == "img");
  CHECK(Count(svg, "<title") == 1);
  CHECK(svg.find("安康码 Ankang") != std::string::npos);
  CHECK(Count(svg, "绿码") >= 2);  // visible band text and the <title>
  CHECK(svg.find("Green code") == std::string::npos);
  CHECK(svg.find("姓名：张*三") != std::string::npos);
  CHECK(svg.find("签发时间：2026-11-21 08:00") != std::string::npos);
  CHECK(svg.find("有效期至：2026-12-05 08:00") != std::string::npos);
  CHECK(Count(svg, "<path") == 2);  // band shape + the QR's single path
  CHECK(svg.find("viewBox=\"0 0 37 37\"") != std::string::npos);  // 29 + 2*4
  CHECK(svg.find("crispEdges") != std::string::npos);

  CHECK(RenderCardSvg(Pseudo(29, 5), Info(Color::kYellow, "zh")).find("黄码") != std::string::npos);
  CHECK(RenderCardSvg(Pseudo(29, 5), Info(Color::kRed, "zh")).find("红码") != std::string::npos);
  CHECK(RenderCardSvg(Pseudo(29, 5), Info(Color::kGray, "zh")).find("灰码") != std::string::npos);
}

TEST_CASE("Card: colour in words and labels in English", "[card]") {
  const std::string svg = RenderCardSvg(Pseudo(29, 5), Info(Color::kRed, "en"));
  CHECK(svg.find("Red code") != std::string::npos);
  CHECK(svg.find("红码") == std::string::npos);
  CHECK(svg.find("Name: 张*三") != std::string::npos);
  CHECK(svg.find("Issued: 2026-11-21 08:00") != std::string::npos);
  CHECK(svg.find("Valid until: 2026-12-05 08:00") != std::string::npos);
  CHECK(svg.find("lang=\"en\"") != std::string::npos);
  CHECK(RenderCardSvg(Pseudo(29, 5), Info(Color::kYellow, "en")).find("Yellow code") !=
        std::string::npos);
  CHECK(RenderCardSvg(Pseudo(29, 5), Info(Color::kGray, "en")).find("Gray code") !=
        std::string::npos);
  CHECK(RenderCardSvg(Pseudo(29, 5), Info(Color::kGreen, "en")).find("Green code") !=
        std::string::npos);
}

TEST_CASE("Card: times shown in their own offset; custom title; bad times shown raw", "[card]") {
  CardInfo info = Info(Color::kGreen, "en");
  info.issued_at = "2026-11-21T00:30:00Z";
  info.valid_until = "not a time";
  info.title = "杭州健康码";
  const std::string svg = RenderCardSvg(Pseudo(21, 1), info);
  CHECK(svg.find("Issued: 2026-11-21 00:30") != std::string::npos);
  CHECK(svg.find("Valid until: not a time") != std::string::npos);
  CHECK(svg.find("杭州健康码") != std::string::npos);
  CHECK(svg.find("安康码 Ankang") == std::string::npos);
}

TEST_CASE("Card: yellow band text is dark, other bands white (contrast)", "[card]") {
  const std::string yellow = RenderCardSvg(Pseudo(21, 1), Info(Color::kYellow, "zh"));
  const std::string green = RenderCardSvg(Pseudo(21, 1), Info(Color::kGreen, "zh"));
  CHECK(yellow.find("fill=\"#1f1f1f\" font-weight=\"bold\">黄码") != std::string::npos);
  CHECK(green.find("fill=\"#ffffff\" font-weight=\"bold\">绿码") != std::string::npos);
}

TEST_CASE("Paper code: printable A4, validity in zh and en, 14-day line", "[card]") {
  const std::string svg = RenderPaperSvg(Pseudo(33, 2), Info(Color::kGreen, "zh"));
  CHECK(Attr(svg, "svg", "width") == "210mm");
  CHECK(Attr(svg, "svg", "height") == "297mm");
  CHECK(Attr(svg, "svg", "role") == "img");
  CHECK(Count(svg, "<title") == 1);
  CHECK(svg.find("有效期至 2026-12-05 08:00") != std::string::npos);
  CHECK(svg.find("Valid until 2026-12-05 08:00") != std::string::npos);
  CHECK(svg.find("绿码 / Green code") != std::string::npos);
  CHECK(svg.find("有效期 14 天") != std::string::npos);
  CHECK(svg.find("valid for 14 days") != std::string::npos);
  CHECK(svg.find("签发时间 Issued: 2026-11-21 08:00") != std::string::npos);
  CHECK(svg.find("viewBox=\"0 0 41 41\"") != std::string::npos);
  // The printed QR is 140 mm wide: large enough to scan from a wall.
  CHECK(svg.find("width=\"140\" height=\"140\"") != std::string::npos);

  // The day count follows the actual validity.
  CardInfo info = Info(Color::kRed, "en");
  info.valid_until = "2026-11-28T08:00:00+08:00";
  const std::string week = RenderPaperSvg(Pseudo(33, 2), info);
  CHECK(week.find("valid for 7 days") != std::string::npos);
  CHECK(week.find("红码 / Red code") != std::string::npos);
}

TEST_CASE("QR matrix JSON round-trips and rejects malformed matrices", "[card]") {
  const QrMatrix qr = Pseudo(21, 9);
  const Json j = ToJson(qr);
  CHECK(j["size"] == 21);
  REQUIRE(j["bits"].is_string());
  CHECK(j["bits"].get<std::string>().size() == 21 * 21);
  CHECK(j["bits"].get<std::string>().find_first_not_of("01") == std::string::npos);
  const std::optional<QrMatrix> back = QrMatrixFromJson(j);
  REQUIRE(back.has_value());
  CHECK(back->size == 21);
  CHECK(back->modules == qr.modules);

  CHECK(QrMatrixFromJson(Json{{"size", 2}, {"bits", "1x01"}})->modules ==
        std::vector<uint8_t>{1, 0, 0, 1});
  CHECK(QrMatrixFromJson(Json{{"size", 177}, {"bits", std::string(177 * 177, '0')}}));
  CHECK_FALSE(QrMatrixFromJson(Json{{"size", 178}, {"bits", std::string(178 * 178, '0')}}));
  CHECK_FALSE(QrMatrixFromJson(Json{{"size", 0}, {"bits", ""}}));
  CHECK_FALSE(QrMatrixFromJson(Json{{"size", -2}, {"bits", "0000"}}));
  CHECK_FALSE(QrMatrixFromJson(Json{{"size", 2}, {"bits", "010"}}));
  CHECK_FALSE(QrMatrixFromJson(Json{{"size", 2.0}, {"bits", "0101"}}));
  CHECK_FALSE(QrMatrixFromJson(Json{{"size", "2"}, {"bits", "0101"}}));
  CHECK_FALSE(QrMatrixFromJson(Json{{"size", 2}}));
  CHECK_FALSE(QrMatrixFromJson(Json{{"size", 4294967298LL}, {"bits", "0101"}}));
  CHECK_FALSE(QrMatrixFromJson(Json::array({2, "0101"})));
}

TEST_CASE("CardInfoFromJson reads the card fields with defaults", "[card]") {
  const CardInfo full = CardInfoFromJson(Json{{"color", "red"},
                                              {"name_masked", "欧**明"},
                                              {"issued_at", "2026-11-21T08:00:00+08:00"},
                                              {"valid_until", "2026-12-05T08:00:00+08:00"},
                                              {"lang", "en"},
                                              {"title", "杭州健康码"}});
  CHECK(full.color == Color::kRed);
  CHECK(full.name_masked == "欧**明");
  CHECK(full.issued_at == "2026-11-21T08:00:00+08:00");
  CHECK(full.valid_until == "2026-12-05T08:00:00+08:00");
  CHECK(full.lang == "en");
  CHECK(full.title == "杭州健康码");

  const CardInfo empty = CardInfoFromJson(Json::object());
  CHECK(empty.color == Color::kGreen);
  CHECK(empty.name_masked.empty());
  CHECK(empty.lang == "zh");
  CHECK(empty.title.empty());
  CHECK(CardInfoFromJson(Json{{"color", "blue"}}).color == Color::kGray);
  CHECK(CardInfoFromJson(Json{{"color", 3}, {"lang", 1}}).color == Color::kGreen);
  CHECK(CardInfoFromJson(Json{{"lang", 1}}).lang == "zh");
}

}  // namespace
}  // namespace ankang
