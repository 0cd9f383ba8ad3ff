// SVG card rendering (SPEC §4, §7). Pure string building: the QR is drawn as
// one <path> of horizontal runs (one subpath per run of dark modules), with a
// 4-module quiet zone, so it stays small and scans when printed or zoomed.
// Band text colours were chosen for contrast (WCAG): white on green #1a7f37
// (5.1:1), red #c62828 (5.6:1) and gray #555 (7.5:1); near-black on yellow
// #d4a500 (7.2:1), whose luminance (0.41) is still far enough from white's for
// scanners to binarise the QR.
#include "shared/card.h"

#include <string_view>
#include <utility>

#include "shared/dates.h"

namespace ankang {
namespace {

constexpr int kQuiet = 4;
constexpr char kFont[] =
    "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif";

const char* Fill(Color c) {
  switch (c) {
    case Color::kGreen:
      return "#1a7f37";
    case Color::kYellow:
      return "#d4a500";
    case Color::kRed:
      return "#c62828";
    case Color::kGray:
      return "#555555";
  }
  return "#555555";
}

const char* BandText(Color c) { return c == Color::kYellow ? "#1f1f1f" : "#ffffff"; }

bool IsEn(const CardInfo& info) { return info.lang == "en"; }

std::string Title(const CardInfo& info) {
  return info.title.empty() ? std::string("安康码 Ankang") : info.title;
}

// "2026-11-21 08:00" in the instant's own offset; the raw text if unparseable.
std::string When(const std::string& iso) {
  const auto t = ParseInstant(iso);
  if (!t) return iso;
  return FormatDate(LocalDate(*t)) + " " + FormatLocalTime(*t);
}

bool ValidMatrix(const QrMatrix& qr) {
  return qr.size > 0 && qr.size <= 400 &&
         qr.modules.size() == static_cast<size_t>(qr.size) * static_cast<size_t>(qr.size);
}

// Path data in module units, offset by the quiet zone.
std::string QrPathData(const QrMatrix& qr) {
  std::string d;
  if (!ValidMatrix(qr)) return d;
  for (int y = 0; y < qr.size; ++y) {
    const uint8_t* row = &qr.modules[static_cast<size_t>(y) * qr.size];
    int x = 0;
    while (x < qr.size) {
      if (!row[x]) {
        ++x;
        continue;
      }
      int end = x;
      while (end < qr.size && row[end]) ++end;
      const int len = end - x;
      d += "M" + std::to_string(x + kQuiet) + " " + std::to_string(y + kQuiet) + "h" +
           std::to_string(len) + "v1h-" + std::to_string(len) + "z";
      x = end;
    }
  }
  return d;
}

// A nested <svg> with the QR at (x, y), side px user units.
std::string QrElement(const QrMatrix& qr, Color color, int x, int y, int px) {
  const int side = (ValidMatrix(qr) ? qr.size : 0) + 2 * kQuiet;
  const std::string s = std::to_string(side);
  std::string out = "<svg x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) +
                    "\" width=\"" + std::to_string(px) + "\" height=\"" + std::to_string(px) +
                    "\" viewBox=\"0 0 " + s + " " + s + "\" shape-rendering=\"crispEdges\"";
  out += "><rect width=\"" + s + "\" height=\"" + s + "\" fill=\"#ffffff\"/><path fill=\"" +
         std::string(Fill(color)) + "\" d=\"" + QrPathData(qr) + "\"/></svg>";
  return out;
}

std::string Text(int x, int y, int size, const char* anchor, const char* fill,
                 std::string_view content, bool bold = false) {
  std::string out = "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) +
                    "\" font-size=\"" + std::to_string(size) + "\" text-anchor=\"" + anchor +
                    "\" fill=\"" + fill + "\"";
  if (bold) out += " font-weight=\"bold\"";
  out += ">" + XmlEscape(content) + "</text>";
  return out;
}

// Whole days between two ISO instants, or -1 if either is unparseable.
int64_t ValidityDays(const CardInfo& info) {
  const auto a = ParseInstant(info.issued_at);
  const auto b = ParseInstant(info.valid_until);
  if (!a || !b || b->unix_seconds <= a->unix_seconds) return -1;
  return (b->unix_seconds - a->unix_seconds + 43200) / 86400;
}

}  // namespace

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') break;
        out.push_back(ch);
    }
  }
  return out;
}

Json ToJson(const QrMatrix& qr) {
  std::string bits(qr.modules.size(), '0');
  for (size_t i = 0; i < qr.modules.size(); ++i) {
    if (qr.modules[i]) bits[i] = '1';
  }
  return Json{{"size", qr.size}, {"bits", std::move(bits)}};
}

std::optional<QrMatrix> QrMatrixFromJson(const Json& j) {
  if (!j.is_object()) return std::nullopt;
  auto size = j.find("size");
  auto bits = j.find("bits");
  if (size == j.end() || bits == j.end() || !size->is_number_integer() || !bits->is_string()) {
    return std::nullopt;
  }
  const int64_t n = size->get<int64_t>();
  const std::string& b = bits->get_ref<const std::string&>();
  if (n <= 0 || n > 177 || b.size() != static_cast<size_t>(n * n)) return std::nullopt;
  QrMatrix m;
  m.size = static_cast<int>(n);
  m.modules.resize(b.size());
  for (size_t i = 0; i < b.size(); ++i) m.modules[i] = b[i] == '1' ? 1 : 0;
  return m;
}

CardInfo CardInfoFromJson(const Json& info) {
  CardInfo c;
  c.color = ColorFromString(StrField(info, "color", "green")).value_or(Color::kGray);
  c.name_masked = StrField(info, "name_masked");
  c.issued_at = StrField(info, "issued_at");
  c.valid_until = StrField(info, "valid_until");
  c.lang = StrField(info, "lang", "zh");
  c.title = StrField(info, "title");
  return c;
}

std::string RenderQrSvg(const QrMatrix& qr, Color color) {
  const int side = (ValidMatrix(qr) ? qr.size : 0) + 2 * kQuiet;
  const std::string s = std::to_string(side);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + s + " " + s +
         "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"" +
         std::string(ColorWord(color, "zh")) + " " + ColorWord(color, "en") + "\"><rect width=\"" +
         s + "\" height=\"" + s + "\" fill=\"#ffffff\"/><path fill=\"" + Fill(color) + "\" d=\"" +
         QrPathData(qr) + "\"/></svg>";
}

std::string RenderCardSvg(const QrMatrix& qr, const CardInfo& info) {
  const bool en = IsEn(info);
  const Color c = info.color;
  const std::string word = ColorWord(c, info.lang);
  const std::string title = Title(info);
  const std::string issued = When(info.issued_at);
  const std::string until = When(info.valid_until);
  const char* name_label = en ? "Name: " : "姓名：";
  const char* issued_label = en ? "Issued: " : "签发时间：";
  const char* until_label = en ? "Valid until: " : "有效期至：";

  // Everything a screen reader needs, in one sentence.
  const std::string summary = title + " — " + word + " — " + name_label + info.name_masked + " — " +
                              issued_label + issued + " — " + until_label + until;

  std::string out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 360 520\" width=\"360\" "
      "height=\"520\" role=\"img\" aria-labelledby=\"ak-card-title\" font-family=\"";
  out += kFont;
  out += "\" lang=\"";
  out += en ? "en" : "zh-CN";
  out += "\"><title id=\"ak-card-title\">" + XmlEscape(summary) + "</title>";
  out +=
      "<rect x=\"1\" y=\"1\" width=\"358\" height=\"518\" rx=\"16\" fill=\"#ffffff\" "
      "stroke=\"#d0d7de\" stroke-width=\"2\"/>";
  // Colour band: title and the colour in words (colour is never the only cue).
  out += "<path d=\"M1 17a16 16 0 0 1 16-16h326a16 16 0 0 1 16 16v79h-358z\" fill=\"";
  out += Fill(c);
  out += "\"/>";
  out += Text(180, 36, 18, "middle", BandText(c), title);
  out += Text(180, 78, 32, "middle", BandText(c), word, true);
  out += QrElement(qr, c, 60, 110, 240);
  out += Text(180, 390, 22, "middle", "#1f1f1f", std::string(name_label) + info.name_masked, true);
  out += Text(180, 430, 17, "middle", "#1f1f1f", std::string(issued_label) + issued);
  out += Text(180, 462, 17, "middle", "#1f1f1f", std::string(until_label) + until);
  out += "</svg>";
  return out;
}

std::string RenderPaperSvg(const QrMatrix& qr, const CardInfo& info) {
  const Color c = info.color;
  const std::string title = Title(info);
  const std::string issued = When(info.issued_at);
  const std::string until = When(info.valid_until);
  const int64_t days = ValidityDays(info);
  const std::string days_text = days > 0 ? std::to_string(days) : std::string("14");
  const std::string word = std::string(ColorWord(c, "zh")) + " / " + ColorWord(c, "en");

  const std::string summary = title + " — 纸质码 Paper code — " + word + " — " + info.name_masked +
                              " — 有效期至 " + until + " / Valid until " + until;

  // A4 portrait in millimetres.
  std::string out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 210 297\" width=\"210mm\" "
      "height=\"297mm\" role=\"img\" aria-labelledby=\"ak-paper-title\" font-family=\"";
  out += kFont;
  out += "\" lang=\"zh-CN\"><title id=\"ak-paper-title\">" + XmlEscape(summary) + "</title>";
  out += "<rect width=\"210\" height=\"297\" fill=\"#ffffff\"/>";
  out += "<rect x=\"15\" y=\"15\" width=\"180\" height=\"40\" rx=\"4\" fill=\"";
  out += Fill(c);
  out += "\"/>";
  out += Text(105, 30, 9, "middle", BandText(c), title + " · 纸质码 Paper code");
  out += Text(105, 47, 12, "middle", BandText(c), word, true);
  out += QrElement(qr, c, 35, 62, 140);
  out += Text(105, 218, 9, "middle", "#1f1f1f", "姓名 Name: " + info.name_masked, true);
  out += Text(105, 232, 6, "middle", "#1f1f1f", "签发时间 Issued: " + issued);
  out += Text(105, 248, 8, "middle", "#1f1f1f", "有效期至 " + until, true);
  out += Text(105, 259, 8, "middle", "#1f1f1f", "Valid until " + until, true);
  out += Text(105, 274, 5, "middle", "#444444",
              "纸质码，有效期 " + days_text + " 天，请妥善保管 / Paper code, valid for " +
                  days_text + (days == 1 ? " day" : " days") + "; keep it safe");
  out +=
      "<rect x=\"15\" y=\"15\" width=\"180\" height=\"267\" rx=\"4\" fill=\"none\" "
      "stroke=\"#999999\" stroke-width=\"0.4\" stroke-dasharray=\"2 2\"/>";
  out += "</svg>";
  return out;
}

}  // namespace ankang
