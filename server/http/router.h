// A small route table over path patterns ("/api/v1/persons/{id}/code"):
// exact segments and {name} parameters, one handler per method, the roles
// allowed per route. Matching a path with the wrong method gives the allowed
// methods (for 405); every method of every route is therefore answered, which
// also sidesteps Pistache's Router (see TOOLCHAIN.md).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "server/http/request.h"

namespace ankang::server {

struct App;

using Handler = std::function<Response(App&, const Request&)>;

// Roles: "resident", "verifier", "issuer", "venue", "admin"; an empty list
// means anyone (no token needed); kAuthenticated means any valid token.
extern const std::vector<std::string> kAnyone;
extern const std::vector<std::string> kAuthenticated;

struct Route {
  std::string method;
  std::string pattern;
  std::vector<std::string> roles;
  Handler handler;
};

class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, std::vector<std::string> roles,
           Handler handler);

  struct Match {
    const Route* route = nullptr;  // set when path and method match
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;  // methods of a matching path (for 405)
  };
  Match Find(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  static std::vector<std::string> Split(const std::string& path);
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;
};

}  // namespace ankang::server
