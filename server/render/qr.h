// QR matrices from libqrencode for what the server draws itself: the paper
// code and the venue posters (the screen code's QR is drawn by the page from
// the token text, web/common/qr.js). SPEC §4: error correction M; the Base45
// token text fits version 10 or below.
#pragma once

#include <optional>
#include <string>

#include "shared/card.h"
#include "shared/json.h"

namespace ankang::server {

struct EncodedQr {
  QrMatrix matrix;
  int version = 0;
};

// nullopt if libqrencode fails (e.g. the text is too long for any version).
std::optional<EncodedQr> EncodeQr(const std::string& text);

}  // namespace ankang::server
