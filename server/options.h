// Command line of ankang-server (SPEC §8): flags with safe defaults, --help,
// and the maintenance subcommands (init, backup, restore, staff add, staff
// totp, keys rotate, purge, wipe).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server/http/pistache_server.h"

namespace ankang::server {

struct Options : HttpOptions {
  std::string data = "./var";  // SQLite file and keys
  std::string db;              // postgresql:// URL (PostgreSQL instead of SQLite)
  // With --db: the keys sealed in the database with the key-encryption key in
  // this file (data_folder.h); nodes poll for rotations every key_poll_seconds.
  std::string kek_file;
  int key_poll_seconds = 10;
  bool dev = false;
  std::string dev_password = "ankang-dev";
  int tz_offset_minutes = 480;  // --tz +08:00
  std::string issuer_id = "ankang-local";
  std::string rules = "default";  // preset name, or a path to a rule-set JSON file
  std::string otp_webhook;        // http://host:port/path; "" = log sender
  int otp_queue = 64;             // messages waiting for the gateway (outbound/otp_sender.h)
  int otp_timeout_ms = 10000;     // per attempt to hand a message to the gateway
  int hash_threads = 1;           // Argon2id threads (http/work_pool.h), off the HTTP workers
  int hash_queue = 32;            // sign-ins waiting for them; beyond: 503 + Retry-After
  std::string metrics_token;      // Bearer token for /metrics from a non-loopback client
  int64_t screen_token_seconds = 300;
  // An offline code (shown while the phone has no network) lasts this long,
  // never beyond the code's own validity; a page fetches a new one at most once
  // per refresh period (domain/codes.h).
  int64_t offline_token_hours = 24;
  int64_t offline_token_refresh_minutes = 30;
  int64_t paper_days = 14;
  int64_t session_days = 30;
  int64_t staff_session_hours = 12;
  // Sessions used through their cookie (a browser that signed in with
  // "cookie": true) end after this long unused: a resident's device, and a
  // verifier's gate device (api/auth.cc).
  int64_t device_session_days = 90;
  int64_t verifier_device_days = 30;
  int id_checks_per_hour = 30;  // a verifier's checks by ID number (api/verify.cc)
  int otp_per_ip_per_hour = 30;
  bool require_admin_totp = false;  // admins sign in only with an enrolled TOTP
  // How long an import waits for its recolouring before answering 202 with the
  // job (domain/recolour_jobs.h) instead of 200 with the counts.
  int recolour_wait_ms = 500;

  // Subcommand: "" (serve), "init", "backup", "restore", "staff-add", "staff-totp",
  // "keys-rotate", "purge", "wipe", "help".
  std::string command;
  std::string backup_to;          // backup --to DIR
  bool backup_overwrite = false;  // backup --overwrite
  std::string restore_from;       // restore --from DIR
  std::string staff_username;
  std::string staff_role;
  int purge_older_than_days = -1;
  bool wipe_yes = false;
};

// Parses argv; on an error returns false with a message in *error.
bool ParseOptions(int argc, char** argv, Options* out, std::string* error);
std::string HelpText();
// The flags a config file stands for: each `name = value` line (blank lines and
// # comments skipped) gives "--name" "value"; a switch (dev, quiet, direct,
// require-admin-totp) gives "--name" for true/yes/on and nothing for
// false/no/off. False with "FILE:LINE: what" in *error.
bool ConfigFileArgs(const std::string& path, std::vector<std::string>* out, std::string* error);
// "+08:00" -> 480; false when malformed.
bool ParseTzOffset(const std::string& s, int* minutes);

}  // namespace ankang::server
