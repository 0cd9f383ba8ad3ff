// Reading members of untrusted JSON without exceptions.
#include "shared/json.h"

namespace ankang {

std::string StrField(const Json& j, const char* key, std::string_view fallback) {
  if (!j.is_object()) return std::string(fallback);
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::string(fallback);
  return it->get<std::string>();
}

}  // namespace ankang
