// The printable venue code poster (场所码, SPEC §1, §7): an A4-proportioned SVG
// with the venue's name, a large QR of its check-in URL (/v/{venue_id}) and
// the instructions in zh and en. The QR matrix comes from libqrencode
// (server/qr.h); the QR itself is drawn by the shared card renderer.
#pragma once

#include <string>

#include "shared/card.h"

namespace ankang::server {

struct PosterInfo {
  std::string venue_name;
  std::string address;  // may be ""
  std::string url;      // what the QR holds, printed under it
  std::string venue_id;
};

std::string RenderVenuePosterSvg(const QrMatrix& qr, const PosterInfo& info);

}  // namespace ankang::server
