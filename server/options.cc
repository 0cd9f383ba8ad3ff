#include "server/options.h"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <set>

namespace ankang::server {
namespace {

bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool ToInt(const std::string& s, long long lo, long long hi, long long* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end != '\0' || v < lo || v > hi) return false;
  *out = v;
  return true;
}

// Takes "--config FILE" out of args[from..] and puts the file's flags in its
// place at args[from], before every flag of the command line (which so wins:
// a later value replaces an earlier one).
bool ExpandConfig(std::vector<std::string>* args, size_t from, std::string* error) {
  std::string path;
  for (size_t i = from; i < args->size(); ++i) {
    if ((*args)[i] != "--config") continue;
    if (i + 1 >= args->size()) {
      *error = "--config needs a value";
      return false;
    }
    if (!path.empty()) {
      *error = "--config given twice";
      return false;
    }
    path = (*args)[i + 1];
    args->erase(args->begin() + static_cast<long>(i), args->begin() + static_cast<long>(i) + 2);
    --i;
  }
  if (path.empty()) return true;
  std::vector<std::string> flags;
  if (!ConfigFileArgs(path, &flags, error)) return false;
  args->insert(args->begin() + static_cast<long>(from), flags.begin(), flags.end());
  return true;
}

}  // namespace

bool ConfigFileArgs(const std::string& path, std::vector<std::string>* out, std::string* error) {
  // Flags without a value: `key = true` gives the flag, `key = false` nothing.
  static const std::set<std::string> kSwitches = {"dev", "require-admin-totp", "quiet", "direct"};
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read the config file " + path;
    return false;
  }
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const std::string where = path + ":" + std::to_string(n) + ": ";
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) {
      *error = where + "expected `key = value`";
      return false;
    }
    const std::string key = Trim(line.substr(0, eq));
    std::string value = Trim(line.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (key.empty() || key.rfind("--", 0) == 0 || key == "config" || key == "help") {
      *error = where + "`" + key + "` is not a setting (write a flag's name without --)";
      return false;
    }
    if (kSwitches.count(key)) {
      if (value == "true" || value == "yes" || value == "on") {
        out->push_back("--" + key);
      } else if (value != "false" && value != "no" && value != "off") {
        *error = where + key + " wants true or false";
        return false;
      }
      continue;
    }
    out->push_back("--" + key);
    out->push_back(value);
  }
  return true;
}

bool ParseTzOffset(const std::string& s, int* minutes) {
  if (s == "Z" || s == "UTC") {
    *minutes = 0;
    return true;
  }
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return false;
  for (int i : {1, 2, 4, 5}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  int h = (s[1] - '0') * 10 + (s[2] - '0');
  int m = (s[4] - '0') * 10 + (s[5] - '0');
  if (h > 14 || m > 59) return false;
  *minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
  return true;
}

std::string HelpText() {
  return R"(ankang-server: health declaration and health code server (SPEC §8)

Usage:
  ankang-server [flags]                          serve the API and the web pages; the first start
                                                 on an empty --data folder creates the database
                                                 and keys, a later one refuses to start when a key
                                                 or the database is missing, damaged or replaced
  ankang-server init [--data DIR] [--db URL]     create database and keys in an empty folder
  ankang-server backup --to DIR [--overwrite] [--data DIR] [--db URL]
                                                 copy database and keys into DIR (0700) while the
                                                 server runs; refuses a DIR that is not empty
                                                 unless --overwrite. With --db: the keys only
                                                 (back up PostgreSQL with pg_dump)
  ankang-server restore --from BACKUP --data DIR [--db URL]
                                                 copy a backup into a new or empty data folder,
                                                 check it, then start the server with --data DIR
  ankang-server staff add --username U --role admin|verifier|issuer|venue [--data DIR]
                                                 create a staff account (password from stdin)
  ankang-server staff totp --username U [--data DIR]
                                                 set up an admin's TOTP second factor: prints the
                                                 secret (base32) and its otpauth:// URL once
  ankang-server keys rotate [--data DIR]         new signing key; old tokens verify until expiry
  ankang-server purge --older-than-days N [--data DIR]
                                                 delete declarations and check-ins older than N days
  ankang-server wipe --yes [--data DIR]          delete all personal data (end of the measures)

Flags (also as `key = value` lines of a --config file; flags given on the command line win):
  --config FILE            read settings from FILE, e.g. /etc/ankang/ankang.conf: one `name = value`
                           per line (name without --; `dev = true` for a switch), # comments
  --host H                 listen address (default 127.0.0.1; not loopback only with --direct)
  --port P                 listen port (default 8080)
  --data DIR               SQLite file and keys (default ./var)
  --db URL                 postgresql:// connection string instead of SQLite
  --kek-file FILE          with --db: keep the keys in the database, sealed with the 32-byte
                           key-encryption key in FILE (init makes it); every node needs only
                           --db and a copy of FILE, no shared --data folder
  --key-poll-seconds N     with --kek-file: how often a node looks for a signing key rotated
                           through another node (default 10)
  --web DIR                web files (default web/dist, or web when web/dist is missing)
  --dev                    local trial: staff accounts admin/verifier/issuer/venue, one-time
                           codes in the OTP answer, POST /api/v1/dev/clock. Never in production.
  --dev-password PW        password of the --dev staff accounts (default ankang-dev)
  --tz +HH:MM              time zone that days are counted in (default +08:00)
  --threads N              HTTP worker threads (default 2)
  --max-connections N      open connections held at once (default 1024, lowered to fit the
                           file-descriptor limit); beyond, a new connection gets 503 and is closed
  --direct                 allow a --host that is not loopback (Pistache facing clients without
                           nginx in front; see server/README.md, "Exposure")
  --issuer-id ID           issuer id written into tokens (default ankang-local)
  --rules NAME|FILE        rule set: default, hangzhou, international or a JSON file (default default)
  --otp-webhook URL        POST one-time codes as JSON to an SMS gateway (http://host:port/path);
                           default: log "otp sent to 138****5678" only. Sent from a queue on
                           their own threads, with retries: a slow gateway delays no request
  --otp-queue N            messages waiting for the gateway; beyond, a code request gets 503 with
                           Retry-After and that code is never sent (default 64)
  --otp-timeout-ms N       time limit of one attempt to hand a message to the gateway; 3 attempts
                           with back-off (default 10000)
  --hash-threads N         threads checking and hashing staff passwords (Argon2id, 64 MiB each),
                           off the HTTP workers (default 1)
  --hash-queue N           staff sign-ins waiting for those threads; beyond, 503 with Retry-After
                           (default 32)
  --metrics-token TOKEN    GET /metrics from other than loopback with "Authorization: Bearer
                           TOKEN"; without it /metrics answers only loopback clients that came
                           through no proxy (X-Forwarded-For) other than a --trusted-proxy
  --screen-token-seconds N expiry of the token shown on screen (default 300)
  --offline-token-hours N  validity of the offline code a phone shows without network, never
                           beyond the code's own (default 24)
  --offline-token-refresh-minutes N
                           a page fetches a new offline code at most this often (default 30)
  --paper-days N           validity of a paper code's token (default 14)
  --session-days N         resident login lifetime (default 30)
  --staff-session-hours N  staff login lifetime (default 12)
  --device-session-days N  a resident's browser session (cookie) ends after N days unused
                           (default 90)
  --verifier-device-days N a verifier device's session (cookie) ends after N days unused
                           (default 30)
  --id-checks-per-hour N   checks by ID number per verifier and hour (default 30)
  --otp-per-ip-per-hour N  one-time codes per client address and hour (default 30)
  --recolour-wait-ms N     how long a risk-area or case-status import waits for its recolouring
                           before answering 202 with the background job (default 500)
  --cache-ms N             how long a session, staff or person row read from the database is
                           reused (default 2000; 0: never). This process's own writes (log-out,
                           revocation, declarations) count at once; another process's (a second
                           server on the same --db, the staff totp command) within N ms. With
                           --db person rows are never reused.
  --require-admin-totp     admins sign in only with a TOTP code; an admin without one is refused
                           until enrolled (`staff totp`, or the console while not required)
  --trusted-proxy ADDR     a reverse proxy's address (e.g. 127.0.0.1 for a local nginx): requests
                           from it are counted against the client address in X-Forwarded-For;
                           repeat for more than one. Default: none, X-Forwarded-For is ignored
  --quiet                  no access log
  --log-format FORMAT      the access log on stdout: text (default: `GET /api/v1/keys 200 0.4ms`)
                           or json (one object a line: time, method, route, status, duration_ms,
                           bytes). Either shows route patterns, never ids, queries or addresses
  --help                   this text
)";
}

bool ParseOptions(int argc, char** argv, Options* o, std::string* error) {
  std::vector<std::string> args(argv + 1, argv + argc);
  size_t i = 0;
  bool data_given = false;
  if (!args.empty() && (args[0] == "init" || args[0] == "backup" || args[0] == "restore")) {
    o->command = args[0];
    i = 1;
  } else if (args.size() >= 2 && args[0] == "staff" && args[1] == "add") {
    o->command = "staff-add";
    i = 2;
  } else if (args.size() >= 2 && args[0] == "staff" && args[1] == "totp") {
    o->command = "staff-totp";
    i = 2;
  } else if (args.size() >= 2 && args[0] == "keys" && args[1] == "rotate") {
    o->command = "keys-rotate";
    i = 2;
  } else if (!args.empty() && args[0] == "purge") {
    o->command = "purge";
    i = 1;
  } else if (!args.empty() && args[0] == "wipe") {
    o->command = "wipe";
    i = 1;
  }
  if (!ExpandConfig(&args, i, error)) return false;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= args.size()) {
        *error = a + " needs a value";
        return false;
      }
      *v = args[++i];
      return true;
    };
    auto number = [&](long long lo, long long hi, long long* v) {
      std::string s;
      if (!value(&s)) return false;
      if (!ToInt(s, lo, hi, v)) {
        *error = a + " wants a number from " + std::to_string(lo) + " to " + std::to_string(hi);
        return false;
      }
      return true;
    };
    long long n = 0;
    std::string s;
    if (a == "--help" || a == "-h") {
      o->command = "help";
      return true;
    } else if (a == "--host") {
      if (!value(&o->host)) return false;
    } else if (a == "--port") {
      if (!number(0, 65535, &n)) return false;
      o->port = static_cast<int>(n);
    } else if (a == "--data") {
      if (!value(&o->data)) return false;
      data_given = true;
    } else if (a == "--db") {
      if (!value(&o->db)) return false;
    } else if (a == "--kek-file") {
      if (!value(&o->kek_file)) return false;
    } else if (a == "--key-poll-seconds") {
      if (!number(1, 3600, &n)) return false;
      o->key_poll_seconds = static_cast<int>(n);
    } else if (a == "--web") {
      if (!value(&o->web)) return false;
    } else if (a == "--dev") {
      o->dev = true;
    } else if (a == "--dev-password") {
      if (!value(&o->dev_password)) return false;
    } else if (a == "--tz") {
      if (!value(&s)) return false;
      if (!ParseTzOffset(s, &o->tz_offset_minutes)) {
        *error = "--tz wants an offset like +08:00";
        return false;
      }
    } else if (a == "--threads") {
      if (!number(1, 64, &n)) return false;
      o->threads = static_cast<int>(n);
    } else if (a == "--issuer-id") {
      if (!value(&o->issuer_id)) return false;
    } else if (a == "--rules") {
      if (!value(&o->rules)) return false;
    } else if (a == "--otp-webhook") {
      if (!value(&o->otp_webhook)) return false;
    } else if (a == "--otp-queue") {
      if (!number(1, 100000, &n)) return false;
      o->otp_queue = static_cast<int>(n);
    } else if (a == "--otp-timeout-ms") {
      if (!number(100, 120000, &n)) return false;
      o->otp_timeout_ms = static_cast<int>(n);
    } else if (a == "--hash-threads") {
      if (!number(1, 16, &n)) return false;
      o->hash_threads = static_cast<int>(n);
    } else if (a == "--hash-queue") {
      if (!number(1, 10000, &n)) return false;
      o->hash_queue = static_cast<int>(n);
    } else if (a == "--metrics-token") {
      if (!value(&o->metrics_token)) return false;
      if (o->metrics_token.size() < 16) {
        *error = "--metrics-token wants at least 16 characters";
        return false;
      }
    } else if (a == "--screen-token-seconds") {
      if (!number(10, 86400, &n)) return false;
      o->screen_token_seconds = n;
    } else if (a == "--offline-token-hours") {
      if (!number(1, 72, &n)) return false;
      o->offline_token_hours = n;
    } else if (a == "--offline-token-refresh-minutes") {
      if (!number(1, 720, &n)) return false;
      o->offline_token_refresh_minutes = n;
    } else if (a == "--device-session-days") {
      if (!number(1, 400, &n)) return false;
      o->device_session_days = n;
    } else if (a == "--verifier-device-days") {
      if (!number(1, 400, &n)) return false;
      o->verifier_device_days = n;
    } else if (a == "--id-checks-per-hour") {
      if (!number(1, 10000, &n)) return false;
      o->id_checks_per_hour = static_cast<int>(n);
    } else if (a == "--paper-days") {
      if (!number(1, 60, &n)) return false;
      o->paper_days = n;
    } else if (a == "--session-days") {
      if (!number(1, 365, &n)) return false;
      o->session_days = n;
    } else if (a == "--staff-session-hours") {
      if (!number(1, 168, &n)) return false;
      o->staff_session_hours = n;
    } else if (a == "--otp-per-ip-per-hour") {
      if (!number(1, 1000000, &n)) return false;
      o->otp_per_ip_per_hour = static_cast<int>(n);
    } else if (a == "--recolour-wait-ms") {
      if (!number(0, 60000, &n)) return false;
      o->recolour_wait_ms = static_cast<int>(n);
    } else if (a == "--cache-ms") {
      if (!number(0, 60000, &n)) return false;
      o->cache_ms = static_cast<int>(n);
    } else if (a == "--trusted-proxy") {
      if (!value(&s)) return false;
      const std::string canonical = CanonicalIp(s);
      if (canonical.empty()) {
        *error = "--trusted-proxy wants an IP address such as 127.0.0.1 or ::1";
        return false;
      }
      o->trusted_proxies.push_back(canonical);
    } else if (a == "--require-admin-totp") {
      o->require_admin_totp = true;
    } else if (a == "--quiet") {
      o->quiet = true;
    } else if (a == "--log-format") {
      if (!value(&o->log_format)) return false;
      if (o->log_format != "text" && o->log_format != "json") {
        *error = "--log-format wants text or json";
        return false;
      }
    } else if (a == "--max-connections") {
      if (!number(1, 1000000, &n)) return false;
      o->max_connections = static_cast<size_t>(n);
    } else if (a == "--direct") {
      o->direct = true;
    } else if (a == "--username" && (o->command == "staff-add" || o->command == "staff-totp")) {
      if (!value(&o->staff_username)) return false;
    } else if (a == "--role" && o->command == "staff-add") {
      if (!value(&o->staff_role)) return false;
    } else if (a == "--older-than-days" && o->command == "purge") {
      if (!number(0, 100000, &n)) return false;
      o->purge_older_than_days = static_cast<int>(n);
    } else if (a == "--yes" && o->command == "wipe") {
      o->wipe_yes = true;
    } else if (a == "--to" && o->command == "backup") {
      if (!value(&o->backup_to)) return false;
    } else if (a == "--overwrite" && o->command == "backup") {
      o->backup_overwrite = true;
    } else if (a == "--from" && o->command == "restore") {
      if (!value(&o->restore_from)) return false;
    } else {
      *error = "unknown argument " + a + " (see --help)";
      return false;
    }
  }
  if (o->web.empty()) o->web = IsDir("web/dist") ? "web/dist" : "web";
  if (o->command == "staff-add") {
    if (o->staff_username.empty() || o->staff_role.empty()) {
      *error = "staff add needs --username and --role";
      return false;
    }
    if (o->staff_role != "admin" && o->staff_role != "verifier" && o->staff_role != "issuer" &&
        o->staff_role != "venue") {
      *error = "--role must be admin, verifier, issuer or venue";
      return false;
    }
  }
  if (o->command == "staff-totp" && o->staff_username.empty()) {
    *error = "staff totp needs --username";
    return false;
  }
  if (o->command == "purge" && o->purge_older_than_days < 0) {
    *error = "purge needs --older-than-days N";
    return false;
  }
  if (o->command == "backup" && o->backup_to.empty()) {
    *error = "backup needs --to DIR";
    return false;
  }
  if (o->command == "restore" && (o->restore_from.empty() || !data_given)) {
    *error = "restore needs --from BACKUP and --data DIR (a new or empty folder)";
    return false;
  }
  if (o->command == "wipe" && !o->wipe_yes) {
    *error = "wipe deletes all personal data; confirm with --yes";
    return false;
  }
  return true;
}

}  // namespace ankang::server
