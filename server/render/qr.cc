#include "server/render/qr.h"

#include <qrencode.h>

namespace ankang::server {

std::optional<EncodedQr> EncodeQr(const std::string& text) {
  QRcode* code = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == nullptr) return std::nullopt;
  EncodedQr out;
  out.version = code->version;
  out.matrix.size = code->width;
  out.matrix.modules.resize(static_cast<size_t>(code->width) * code->width);
  for (size_t i = 0; i < out.matrix.modules.size(); ++i) {
    out.matrix.modules[i] = code->data[i] & 1;
  }
  QRcode_free(code);
  return out;
}

}  // namespace ankang::server
