// SVG rendering of the health code card and the printable paper code from a
// QR module matrix (made by libqrencode on the server) and the code's facts.
// Pure string building; the same renderer runs in the browser via wasm.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shared/color.h"
#include "shared/json.h"

namespace ankang {

struct QrMatrix {
  int size = 0;                  // modules per side
  std::vector<uint8_t> modules;  // row-major, size*size, 1 = dark
};

struct CardInfo {
  Color color = Color::kGreen;
  std::string name_masked;
  std::string issued_at;    // ISO instant
  std::string valid_until;  // ISO instant
  std::string lang = "zh";  // "zh" or "en": labels on the card
  std::string title;        // e.g. issuer display name; "" for the default "安康码 Ankang"
};

// The matrix as JSON: {"size": N, "bits": "0101..."} (row-major, N*N, '1' dark).
Json ToJson(const QrMatrix& qr);
// The matrix from ToJson's form; nullopt unless size is 1..177 (QR versions
// 1-40 are at most 177 modules a side) and bits has size*size characters.
// Any character but '1' is a light module.
std::optional<QrMatrix> QrMatrixFromJson(const Json& j);
// The card's fields from {"color", "name_masked", "issued_at", "valid_until",
// "lang", "title"}. Default: a missing string is "", lang "zh", color "green";
// an unknown colour is gray.
CardInfo CardInfoFromJson(const Json& info);

// A square QR SVG: modules in the code's colour (gray for gray codes) on white,
// quiet zone of 4 modules, crisp edges; one <path>. viewBox in module units.
std::string RenderQrSvg(const QrMatrix& qr, Color color);
// The card: colour band with the colour in words, QR, masked name, issue time, validity.
std::string RenderCardSvg(const QrMatrix& qr, const CardInfo& info);
// A4-proportioned printable paper code; validity printed in zh and en.
std::string RenderPaperSvg(const QrMatrix& qr, const CardInfo& info);

// Escapes &, <, >, ", ' for SVG text/attributes.
std::string XmlEscape(std::string_view s);

}  // namespace ankang
