// The data folder (server/data_folder.h) and its backups (server/backup.h):
// keys are made only on a first start or by init; a key file missing, empty,
// damaged or replaced, or a database lost while its keys remain, stops the
// start with a message naming the file, and changes nothing; a backup taken
// while another connection writes holds every transaction committed before
// it began, and restores into a folder that opens.
#include "server/data_folder.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "server/backup.h"
#include "server/store/sqlite.h"
#include "shared/json.h"

using namespace ankang::server;
using ankang::Json;

namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/ankang-folder-XXXXXX";
  return mkdtemp(tmpl);
}

int Mode(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string Read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void Write(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
}

void Sql(const std::string& db, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  CHECK(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
}

// A folder that has served: database and keys, one account whose phone is
// encrypted with data.key.
struct Folder {
  Folder() : parent(TempDir()), data(parent + "/data") {
    InitCrypto();
    OpenedDataFolder f = OpenDataFolder(data, "", 1000);
    f.db->CreateAccount(AccountRow{"a1", f.keys.data.Hmac("phone", "13800000000"),
                                   f.keys.data.Encrypt("phone", "13800000000"), 1000});
  }
  ~Folder() { std::system(("rm -rf " + parent).c_str()); }
  std::string Path(const std::string& name) const { return data + "/" + name; }
  // The message OpenDataFolder stops with ("" when it opens).
  std::string Refusal() const {
    try {
      OpenDataFolder(data, "", 2000);
    } catch (const DataFolderError& e) {
      return e.what();
    }
    return "";
  }
  std::string parent;
  std::string data;
};

}  // namespace

TEST_CASE("a first start on an empty folder makes database and keys; later ones open them",
          "[data_folder]") {
  Folder f;
  CHECK(Mode(f.data) == 0700);
  for (const char* name : kKeyFileNames) CHECK(Mode(f.Path(name)) == 0600);
  OpenedDataFolder again = OpenDataFolder(f.data, "", 3000);
  CHECK(again.note.empty());
  auto a = again.db->GetAccount("a1");
  REQUIRE(a);
  CHECK(again.keys.data.Decrypt("phone", a->phone_enc) ==
        std::optional<std::string>("13800000000"));
  CHECK(again.db->ListKeyChecks().size() == 2);
  CHECK(again.db->ListKeyMeta().size() == 1);
}

TEST_CASE("a key file missing, empty or damaged stops the start and names the file",
          "[data_folder]") {
  for (const char* name : kKeyFileNames) {
    for (const std::string how : {"removed", "truncated", "garbage", "a folder"}) {
      Folder f;
      const std::string path = f.Path(name);
      const std::string others = Read(f.Path("hmac.key")) + Read(f.Path("signing-keys.json"));
      ::unlink(path.c_str());
      if (how == "truncated") Write(path, "");
      if (how == "garbage") Write(path, "not a key at all\n");
      if (how == "a folder") ::mkdir(path.c_str(), 0700);
      const std::string why = f.Refusal();
      INFO(name << " " << how << ": " << why);
      CHECK(why.find(path + (how == "removed"     ? " is missing"
                             : how == "truncated" ? " is empty (0 bytes)"
                             : how == "garbage"   ? " is damaged"
                                                  : " cannot be read")) != std::string::npos);
      CHECK(why.find("holds data") != std::string::npos);
      CHECK(why.find("ankang-server restore --from BACKUP") != std::string::npos);
      // Nothing was made in its place.
      CHECK(Exists(path) == (how != "removed"));
      if (std::string(name) == "data.key") {
        CHECK(Read(f.Path("hmac.key")) + Read(f.Path("signing-keys.json")) == others);
      }
    }
  }
}

TEST_CASE("a signing key file whose secret and public keys disagree is damaged", "[data_folder]") {
  Folder f;
  Json keys = Json::parse(Read(f.Path("signing-keys.json")));
  std::string pk = keys["keys"][0]["public_key"];
  pk[3] = pk[3] == 'A' ? 'B' : 'A';
  keys["keys"][0]["public_key"] = pk;
  Write(f.Path("signing-keys.json"), keys.dump());
  CHECK(f.Refusal().find("signing-keys.json is damaged") != std::string::npos);
}

TEST_CASE("a database emptied, lost or damaged while its keys remain stops the start",
          "[data_folder]") {
  Folder f;
  const std::string db = f.Path("ankang.db");
  Write(db, "");
  std::string why = f.Refusal();
  CHECK(why.find(db + " is empty (0 bytes) but the folder holds keys") != std::string::npos);
  CHECK(Read(db).empty());  // not replaced by an empty database
  ::unlink(db.c_str());
  why = f.Refusal();
  CHECK(why.find(db + " is missing") != std::string::npos);
  CHECK_FALSE(Exists(db));
  Write(db, std::string(8192, 'x'));
  why = f.Refusal();
  CHECK(why.find(db + " cannot be opened as an Ankang database") != std::string::npos);
  CHECK(why.find("ankang-server restore") != std::string::npos);
  // A database without data of these keys (an empty one put in its place).
  ::unlink(db.c_str());
  OpenSqliteStorage(db);
  why = f.Refusal();
  CHECK(why.find(db + " holds no data written with the keys") != std::string::npos);
}

TEST_CASE("a key replaced by another folder's key is noticed", "[data_folder]") {
  for (const char* name : kKeyFileNames) {
    Folder f, other;
    Write(f.Path(name), Read(other.Path(name)));
    const std::string why = f.Refusal();
    INFO(why);
    CHECK(why.find(f.Path(name)) != std::string::npos);
    CHECK(why.find(std::string(name) == "signing-keys.json"
                       ? "holds none of the signing keys"
                       : "is not the key this database") != std::string::npos);
  }
}

TEST_CASE("a database from before the check values records them; its keys still count",
          "[data_folder]") {
  Folder f;
  Sql(f.Path("ankang.db"), "DELETE FROM key_checks");
  OpenedDataFolder opened = OpenDataFolder(f.data, "", 3000);
  CHECK(opened.note.find("recorded check values") != std::string::npos);
  CHECK(opened.db->ListKeyChecks().size() == 2);
  opened.db.reset();
  // Without check values the published signing keys still say keys were used.
  Sql(f.Path("ankang.db"), "DELETE FROM key_checks");
  ::unlink(f.Path("hmac.key").c_str());
  CHECK(f.Refusal().find("hmac.key is missing") != std::string::npos);
}

TEST_CASE("init makes a new folder and refuses one that holds anything of ours", "[data_folder]") {
  InitCrypto();
  const std::string parent = TempDir();
  const std::string data = parent + "/d";
  OpenedDataFolder made = InitDataFolder(data, "", 1000);
  CHECK(made.note.find("first start") != std::string::npos);
  made.db.reset();
  try {
    InitDataFolder(data, "", 1000);
    FAIL("init on a folder with data");
  } catch (const DataFolderError& e) {
    CHECK(std::string(e.what()).find("is not empty") != std::string::npos);
  }
  CHECK(OpenDataFolder(data, "", 2000).note.empty());
  const std::string lone = parent + "/lone";
  ::mkdir(lone.c_str(), 0700);
  Write(lone + "/data.key", "x");
  CHECK_THROWS_AS(InitDataFolder(lone, "", 1000), DataFolderError);
  CHECK_FALSE(Exists(lone + "/hmac.key"));
  std::system(("rm -rf " + parent).c_str());
}

TEST_CASE("a backup taken while a writer runs holds every earlier commit and restores",
          "[data_folder][backup]") {
  Folder f;
  std::atomic<int> committed{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    auto db = OpenSqliteStorage(f.Path("ankang.db"));
    for (int i = 0; !stop; ++i) {
      db->CreateAccount(AccountRow{"w" + std::to_string(i), "h" + std::to_string(i), "e", i});
      committed = i + 1;
    }
  });
  while (committed < 50) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const int before = committed;
  BackupOptions b;
  b.data = f.data;
  b.to = f.parent + "/backup";
  BackupReport r = MakeBackup(b, 5000);
  const int after = committed;
  stop = true;
  writer.join();
  CHECK(r.files ==
        std::vector<std::string>{"ankang.db", "data.key", "hmac.key", "signing-keys.json"});
  CHECK(Mode(b.to) == 0700);
  for (const std::string& name : r.files) CHECK(Mode(b.to + "/" + name) == 0600);
  CHECK(Mode(b.to + "/backup.json") == 0600);
  CHECK_FALSE(Exists(b.to + "/ankang.db-wal"));
  INFO("commits before " << before << ", after " << after);

  // Not over an existing backup, unless told.
  CHECK_THROWS_WITH(MakeBackup(b, 6000), Catch::Contains("is not empty (it holds a backup)"));
  // Never inside the data folder.
  BackupOptions inside = b;
  inside.to = f.data + "/bk";
  CHECK_THROWS_WITH(MakeBackup(inside, 6000), Catch::Contains("overlap"));

  RestoreOptions ro;
  ro.from = b.to;
  ro.data = f.parent + "/restored";
  RestoreReport rr = RestoreBackup(ro, 7000);
  CHECK(rr.created_at == 5000);
  CHECK(Mode(ro.data) == 0700);
  OpenedDataFolder restored = OpenDataFolder(ro.data, "", 8000);
  CHECK(restored.note.empty());
  for (int i = 0; i < before; ++i) {
    REQUIRE(restored.db->GetAccount("w" + std::to_string(i)));
  }
  auto a = restored.db->GetAccount("a1");
  REQUIRE(a);
  CHECK(restored.keys.data.Decrypt("phone", a->phone_enc) ==
        std::optional<std::string>("13800000000"));
  restored.db.reset();

  // Not into a folder that holds data.
  CHECK_THROWS_WITH(RestoreBackup(ro, 9000), Catch::Contains("is a data folder already"));
  // --overwrite replaces the backup; a damaged file in it is refused on restore.
  b.overwrite = true;
  MakeBackup(b, 10000);
  std::string db = Read(b.to + "/ankang.db");
  db[db.size() / 2] ^= 1;
  Write(b.to + "/ankang.db", db);
  ro.data = f.parent + "/restored2";
  CHECK_THROWS_WITH(RestoreBackup(ro, 11000), Catch::Contains("ankang.db is damaged"));
  CHECK_FALSE(Exists(ro.data + "/ankang.db"));
}

TEST_CASE("no backup of a folder whose keys are not usable", "[data_folder][backup]") {
  Folder f;
  ::unlink(f.Path("data.key").c_str());
  BackupOptions b;
  b.data = f.data;
  b.to = f.parent + "/backup";
  CHECK_THROWS_WITH(MakeBackup(b, 5000), Catch::Contains("data.key is missing"));
  CHECK_FALSE(Exists(b.to));
}
