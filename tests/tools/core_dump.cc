// Prints, as one JSON document, what the native core answers for every rule
// case (tests/rules/*.json) and every declaration vector
// (tests/wasm/declarations.json). tests/wasm/parity.test.mjs compares it,
// field by field, with what the wasm build answers for the same inputs.
#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "shared/card.h"
#include "shared/rules.h"
#include "shared/token.h"
#include "shared/validate.h"

namespace {

ankang::Json Load(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ankang::Json::parse(ss.str(), nullptr, false);
}

std::vector<std::string> JsonFiles(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.substr(n.size() - 5) == ".json") out.push_back(n);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string root = argc > 1 ? argv[1] : ".";
  ankang::Json out{{"rule_cases", ankang::Json::object()}, {"declarations", ankang::Json::array()}};
  for (const std::string& name : JsonFiles(root + "/tests/rules")) {
    ankang::Json file = Load(root + "/tests/rules/" + name);
    if (!file.is_object() || !file["rule_set"].is_string()) continue;
    ankang::Json rs = Load(root + "/shared/rules/" + file["rule_set"].get<std::string>() + ".json");
    ankang::Json results = ankang::Json::array();
    for (const ankang::Json& c : file["cases"]) {
      results.push_back(ankang::ToJson(ankang::Evaluate(rs, c["facts"])));
    }
    out["rule_cases"][name] = results;
  }
  ankang::Json decls = Load(root + "/tests/wasm/declarations.json");
  if (decls.is_object()) {
    auto today = ankang::ParseDate(decls["today"].get<std::string>());
    for (const ankang::Json& d : decls["cases"]) {
      ankang::Json normalized;
      auto errors = ankang::ValidateDeclaration(d["body"], *today, &normalized);
      out["declarations"].push_back({{"errors", ankang::ToJson(errors)},
                                     {"normalized", errors.empty() ? normalized : ankang::Json()}});
    }
  }
  // A token with a fixed dummy signature: the wasm parser must read it the same way.
  ankang::CodeClaims claims;
  claims.issuer = "ankang-test";
  claims.issued_at = 1795226400;
  claims.expires_at = 1795226700;
  claims.person_ref = "p7Kq2mVx";
  claims.color = ankang::Color::kYellow;
  claims.name_masked = "张*三";
  claims.id_tail = "123X";
  out["token"] = ankang::SignToken(claims, "kid-test",
                                   [](const ankang::Bytes&) { return ankang::Bytes(64, 0x5a); });
  claims.kind = ankang::TokenKind::kOffline;
  claims.expires_at = claims.issued_at + 24 * 3600;
  out["offline_token"] = ankang::SignToken(
      claims, "kid-test", [](const ankang::Bytes&) { return ankang::Bytes(64, 0x5a); });
  // A fixed 21x21 pattern for the card renderer.
  ankang::QrMatrix m;
  m.size = 21;
  std::string bits;
  for (int i = 0; i < 21 * 21; ++i) bits += ((i * 7 + i / 21) % 3 == 0) ? '1' : '0';
  for (char c : bits) m.modules.push_back(c == '1');
  ankang::CardInfo info;
  info.color = ankang::Color::kRed;
  info.name_masked = "欧**明";
  info.issued_at = "2026-11-21T08:00:00+08:00";
  info.valid_until = "2026-12-05T08:00:00+08:00";
  out["card"] = {{"bits", bits}, {"svg", ankang::RenderCardSvg(m, info)}};
  std::cout << out.dump() << "\n";
  return 0;
}
