#include "server/render/venue_poster.h"

#include <string_view>

namespace ankang::server {
namespace {

constexpr char kFont[] =
    "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif";

// The shared renderer's QR as a nested <svg> placed at (x, y) with the given
// side, drawn in black (a venue code has no colour of its own).
std::string PlacedQr(const QrMatrix& qr, int x, int y, int side) {
  std::string svg = RenderQrSvg(qr, Color::kGreen);
  const std::string head = "<svg xmlns=\"http://www.w3.org/2000/svg\" ";
  if (svg.compare(0, head.size(), head) == 0) {
    svg.replace(0, head.size(),
                "<svg x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
                    std::to_string(side) + "\" height=\"" + std::to_string(side) + "\" ");
  }
  const std::string green = "fill=\"#1a7f37\"";
  for (size_t p = svg.find(green); p != std::string::npos; p = svg.find(green, p)) {
    svg.replace(p, green.size(), "fill=\"#000000\"");
  }
  return svg;
}

std::string Text(int x, int y, int size, const std::string& text, const char* extra = "") {
  return "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y) + "\" font-size=\"" +
         std::to_string(size) + "\" text-anchor=\"middle\"" + extra + ">" + XmlEscape(text) +
         "</text>";
}

}  // namespace

std::string RenderVenuePosterSvg(const QrMatrix& qr, const PosterInfo& info) {
  // 210 x 297 proportions (A4), in px units of a 630 x 891 canvas.
  std::string out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 630 891\" width=\"630\" "
      "height=\"891\" role=\"img\" lang=\"zh-CN\" font-family=\"";
  out += kFont;
  out += "\"><title>";
  out += XmlEscape("场所码 Venue code — " + info.venue_name);
  out += "</title><rect width=\"630\" height=\"891\" fill=\"#ffffff\"/>";
  out += "<rect x=\"0\" y=\"0\" width=\"630\" height=\"120\" fill=\"#1565c0\"/>";
  out += Text(315, 62, 40, "场所码 · 扫码登记", " fill=\"#ffffff\" font-weight=\"700\"");
  out += Text(315, 100, 22, "Venue code · scan to check in", " fill=\"#e3f2fd\"");
  out += Text(315, 175, 32, info.venue_name, " font-weight=\"700\" fill=\"#1d1d1f\"");
  if (!info.address.empty()) out += Text(315, 210, 18, info.address, " fill=\"#555555\"");
  out += PlacedQr(qr, 95, 235, 440);
  out += Text(315, 705, 20, "请使用手机扫描上方二维码,登记体温与同行家人,并出示本人健康码。",
              " fill=\"#1d1d1f\"");
  out +=
      Text(315, 737, 17, "Scan to check in with your temperature and family; show your own code.",
           " fill=\"#444444\"");
  out += Text(315, 790, 15, info.url, " fill=\"#1565c0\" font-family=\"monospace\"");
  out += Text(315, 850, 14, "安康 Ankang · " + info.venue_id, " fill=\"#888888\"");
  out += "</svg>";
  return out;
}

}  // namespace ankang::server
