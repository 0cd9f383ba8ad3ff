#include "server/backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "server/crypto/crypto.h"
#include "server/data_folder.h"
#include "server/store/sqlite.h"
#include "shared/json.h"

namespace ankang::server {
namespace {

namespace fs = std::filesystem;

constexpr const char* kManifest = "backup.json";
constexpr const char* kKind = "ankang-backup";

bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool Exists(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0;
}

bool DirEmpty(const std::string& p) {
  std::error_code ec;
  return fs::directory_iterator(p, ec) == fs::directory_iterator();
}

std::string Canonical(const std::string& p) {
  std::error_code ec;
  std::string c = fs::weakly_canonical(fs::absolute(p), ec).lexically_normal().string();
  if (ec) c = p;
  while (c.size() > 1 && c.back() == '/') c.pop_back();
  return c;
}

// True when one folder is the other or inside it.
bool Overlap(const std::string& a, const std::string& b) {
  std::string x = Canonical(a), y = Canonical(b);
  if (x.size() > y.size()) std::swap(x, y);
  return y == x || y.compare(0, x.size() + 1, x + "/") == 0;
}

void SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool ok = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok) throw BackupError("cannot sync " + dir + ": " + std::strerror(errno));
}

// Writes `content` into a new file (mode 0600, synced).
void WriteNewFile(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw BackupError("cannot create " + path + ": " + std::strerror(errno));
  ::fchmod(fd, 0600);
  size_t off = 0;
  bool ok = true;
  while (ok && off < content.size()) {
    const ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    if (n > 0) off += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  if (::close(fd) != 0 || !ok) throw BackupError("cannot write " + path);
}

// Copies src into a new file dst (mode 0600, synced), in pieces.
void CopyNewFile(const std::string& src, const std::string& dst) {
  const int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) throw BackupError("cannot read " + src + ": " + std::strerror(errno));
  const int out = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    const int e = errno;
    ::close(in);
    throw BackupError("cannot create " + dst + ": " + std::strerror(e));
  }
  ::fchmod(out, 0600);
  std::unique_ptr<char[]> buf(new char[1 << 20]);
  bool ok = true;
  for (;;) {
    ssize_t n = ::read(in, buf.get(), 1 << 20);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n <= 0) break;
    for (ssize_t off = 0; ok && off < n;) {
      const ssize_t w = ::write(out, buf.get() + off, static_cast<size_t>(n - off));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) ok = false;
      if (w > 0) off += w;
    }
    if (!ok) break;
  }
  ok = ok && ::fsync(out) == 0;
  ::close(in);
  if (::close(out) != 0 || !ok) throw BackupError("cannot copy " + src + " to " + dst);
}

// A key file's bytes, read at once (the server replaces them only by rename).
std::string ReadWhole(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw BackupError("cannot read " + path + ": " + std::strerror(errno));
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

int64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

std::string KeyProblemLines(const KeyFolder& f) {
  std::string out;
  for (const KeyFileCheck& c : f.files) {
    if (c.state == KeyFileCheck::State::kOk) continue;
    out += "  " + c.path + " " +
           (c.state == KeyFileCheck::State::kMissing ? std::string("is missing") : c.problem) +
           "\n";
  }
  return out;
}

// The copy in `dir` of a database and keys: complete, intact, together.
int CheckCopy(const std::string& dir, bool with_db, const std::string& source) {
  const KeyFolder copied = ReadKeyFiles(dir);
  if (!copied.keys) {
    throw BackupError("the copied keys are not usable (did " + source + " change meanwhile?):\n" +
                      KeyProblemLines(copied));
  }
  if (!with_db) return 0;
  auto db = OpenSqliteStorage(dir + "/ankang.db");
  const std::string integrity = db->IntegrityCheck();
  if (integrity != "ok") throw BackupError("the copied database fails its check: " + integrity);
  std::vector<std::string> wrong = KeyMismatches(*db, *copied.keys, source);
  if (!wrong.empty()) {
    std::string text;
    for (const std::string& w : wrong) text += "  " + w + "\n";
    throw BackupError("the keys in " + source + " are not those of its database:\n" + text);
  }
  return db->SchemaVersion();
}

// Removes what a failed restore placed (and SQLite's files beside them).
void Unplace(const std::string& data, const std::vector<std::string>& placed) {
  for (const std::string& p : placed) ::unlink(p.c_str());
  if (!placed.empty()) {
    for (const char* name : {"ankang.db-wal", "ankang.db-shm"})
      ::unlink((data + "/" + name).c_str());
  }
}

}  // namespace

BackupReport MakeBackup(const BackupOptions& o, int64_t now) {
  const bool with_db = o.db_url.empty();
  const std::string db_path = o.data + "/ankang.db";
  if (!IsDir(o.data)) throw BackupError("cannot back up " + o.data + ": there is no such folder");
  const KeyFolder keys = ReadKeyFiles(o.data);
  if (!keys.keys) {
    throw BackupError("cannot back up " + o.data + ": its keys are not usable:\n" +
                      KeyProblemLines(keys) + RestoreAdvice(o.data));
  }
  if (with_db && FileSize(db_path) <= 0) {
    throw BackupError("cannot back up " + o.data + ": " + db_path +
                      (FileSize(db_path) == 0 ? " is empty (0 bytes)" : " is missing"));
  }
  if (Overlap(o.to, o.data)) {
    throw BackupError("the backup folder " + o.to + " and the data folder " + o.data +
                      " overlap: back up into a folder outside the data folder");
  }
  const bool exists = Exists(o.to);
  if (exists && !IsDir(o.to)) throw BackupError(o.to + " exists and is not a folder");
  const bool occupied = exists && !DirEmpty(o.to);
  if (occupied && !o.overwrite) {
    throw BackupError(o.to + " is not empty" +
                      (Exists(o.to + "/" + kManifest) ? std::string(" (it holds a backup)") : "") +
                      ": give a new folder, or --overwrite to replace what is there");
  }
  const std::string parent = fs::path(Canonical(o.to)).parent_path().string();
  if (!IsDir(parent)) throw BackupError("cannot back up into " + o.to + ": no folder " + parent);

  // Everything goes into a sibling folder first, renamed into place at the end.
  const std::string tmp = Canonical(o.to) + ".partial-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove_all(tmp, ec);
  if (::mkdir(tmp.c_str(), 0700) != 0) {
    throw BackupError("cannot create " + tmp + ": " + std::strerror(errno));
  }
  ::chmod(tmp.c_str(), 0700);
  BackupReport report;
  report.dir = o.to;
  try {
    Json files = Json::array();
    auto add = [&](const std::string& name) {
      const std::string p = tmp + "/" + name;
      const int64_t bytes = FileSize(p);
      files.push_back({{"name", name}, {"bytes", bytes}, {"sha256", Sha256FileHex(p)}});
      report.files.push_back(name);
      report.bytes += bytes;
    };
    if (with_db) {
      // The database first, the keys after: a signing key that signed a code
      // before the snapshot is still in signing-keys.json (retired keys stay
      // until their codes expire), and the other two never change.
      try {
        BackupSqliteFile(db_path, tmp + "/ankang.db");
      } catch (const std::exception& e) {
        throw BackupError(std::string("cannot back up the database: ") + e.what());
      }
      ::chmod((tmp + "/ankang.db").c_str(), 0600);
    }
    for (const char* name : kKeyFileNames) {
      WriteNewFile(tmp + "/" + name, ReadWhole(o.data + "/" + name));
    }
    report.schema_version = CheckCopy(tmp, with_db, o.data);
    for (const char* name : {"ankang.db-wal", "ankang.db-shm"})
      ::unlink((tmp + "/" + name).c_str());
    if (with_db) add("ankang.db");
    for (const char* name : kKeyFileNames) add(name);
    const Json manifest = {{"kind", kKind},
                           {"format", 1},
                           {"created_at", now},
                           {"source", Canonical(o.data)},
                           {"database", with_db ? "sqlite" : "postgresql"},
                           {"schema_version", report.schema_version},
                           {"files", files}};
    WriteNewFile(tmp + "/" + kManifest, manifest.dump(2) + "\n");
    SyncDir(tmp);
    if (occupied) {
      const std::string old = Canonical(o.to) + ".old-" + std::to_string(::getpid());
      if (::rename(o.to.c_str(), old.c_str()) != 0) {
        throw BackupError("cannot move the old " + o.to + " aside: " + std::strerror(errno));
      }
      if (::rename(tmp.c_str(), o.to.c_str()) != 0) {
        const int e = errno;
        ::rename(old.c_str(), o.to.c_str());
        throw BackupError("cannot rename " + tmp + " to " + o.to + ": " + std::strerror(e));
      }
      fs::remove_all(old, ec);
    } else if (::rename(tmp.c_str(), o.to.c_str()) != 0) {  // an empty folder is replaced
      throw BackupError("cannot rename " + tmp + " to " + o.to + ": " + std::strerror(errno));
    }
    SyncDir(parent);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  return report;
}

RestoreReport RestoreBackup(const RestoreOptions& o, int64_t now) {
  const std::string manifest_path = o.from + "/" + kManifest;
  if (!IsDir(o.from) || !Exists(manifest_path)) {
    throw BackupError(o.from + " is not an Ankang backup (no " + kManifest + ")");
  }
  const Json m = Json::parse(ReadWhole(manifest_path), nullptr, false);
  if (m.is_discarded() || !m.is_object() || m.value("kind", "") != kKind ||
      m.value("format", 0) != 1 || !m.contains("files") || !m["files"].is_array()) {
    throw BackupError(manifest_path + " is damaged or not an Ankang backup manifest");
  }
  RestoreReport report;
  report.created_at = m.value("created_at", int64_t{0});
  bool has_db = false;
  std::vector<std::string> names;
  for (const Json& f : m["files"]) {
    const std::string name = f.is_object() ? f.value("name", "") : "";
    bool ours = name == "ankang.db";
    for (const char* k : kKeyFileNames) ours = ours || name == k;
    if (!ours) throw BackupError(manifest_path + " lists an unknown file: " + name);
    const std::string p = o.from + "/" + name;
    if (FileSize(p) != f.value("bytes", int64_t{-1}) || Sha256FileHex(p) != f.value("sha256", "")) {
      throw BackupError(p + " is damaged (its size or SHA-256 differs from " + kManifest +
                        "): use another backup");
    }
    has_db = has_db || name == "ankang.db";
    names.push_back(name);
  }
  for (const char* k : kKeyFileNames) {
    if (std::find(names.begin(), names.end(), k) == names.end()) {
      throw BackupError(o.from + " lacks " + k + ": it is not a complete backup");
    }
  }
  if (has_db && !o.db_url.empty()) {
    throw BackupError(o.from + " holds a SQLite database: restore it without --db");
  }
  if (!has_db && o.db_url.empty()) {
    throw BackupError(o.from +
                      " holds the keys of a PostgreSQL deployment only: restore the database "
                      "with pg_restore, then restore the keys with --db URL");
  }
  if (Exists(o.data) && !IsDir(o.data)) throw BackupError(o.data + " is not a folder");
  if (Overlap(o.from, o.data)) {
    throw BackupError("the backup " + o.from + " and the data folder " + o.data + " overlap");
  }
  std::string held;
  for (const char* name :
       {"ankang.db", "ankang.db-wal", "data.key", "hmac.key", "signing-keys.json"}) {
    if (Exists(o.data + "/" + name)) held += (held.empty() ? "" : ", ") + std::string(name);
  }
  if (!held.empty()) {
    throw BackupError(o.data + " is a data folder already (it holds " + held +
                      "): restore only into a new or empty folder. Stop the server, move the "
                      "old folder aside (keep it until the restored one is checked), and "
                      "restore into a new one.");
  }
  if (::mkdir(o.data.c_str(), 0700) != 0 && errno != EEXIST) {
    throw BackupError("cannot create " + o.data + ": " + std::strerror(errno));
  }
  ::chmod(o.data.c_str(), 0700);
  std::vector<std::string> placed;
  try {
    for (const std::string& name : names) {
      const std::string dst = o.data + "/" + name;
      const std::string tmp = dst + ".restoring";
      ::unlink(tmp.c_str());
      CopyNewFile(o.from + "/" + name, tmp);
      if (::link(tmp.c_str(), dst.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        throw BackupError("cannot create " + dst + ": " + std::strerror(e));
      }
      ::unlink(tmp.c_str());
      placed.push_back(dst);
    }
    SyncDir(o.data);
    // Open it as the server will: the keys must be the database's.
    OpenedDataFolder opened = OpenDataFolder(o.data, o.db_url, now);
    if (has_db) {
      const std::string integrity = opened.db->IntegrityCheck();
      if (integrity != "ok")
        throw BackupError("the restored database fails its check: " + integrity);
    }
    report.note = opened.note;
  } catch (const DataFolderError& e) {
    Unplace(o.data, placed);
    throw BackupError(std::string("the restored folder does not open: ") + e.what());
  } catch (...) {
    Unplace(o.data, placed);
    throw;
  }
  report.files = names;
  return report;
}

}  // namespace ankang::server
