#include "state/sqlite/sqlite_state_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "state/sqlite/migrations.h"
#include "state/sqlite/sqlite_db.h"
#include "testing/state_store_conformance.h"

namespace bx {
namespace {

using conformance::StateStoreConformance;
using conformance::StateStoreFactory;

SecretBox TestBox() {
  SecretBox::Key key;
  key.fill(7);
  return SecretBox(key);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StateStoreConformance,
                         ::testing::Values(StateStoreFactory{
                             "sqlite",
                             [](const std::filesystem::path& dir) -> std::unique_ptr<StateStore> {
                               return std::make_unique<SqliteStateStore>(dir / "state.db",
                                                                         TestBox());
                             }}),
                         conformance::FactoryName);

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SqliteStateStore, SecretsAreEncryptedAtRest) {
  testing::TempDir dir;
  {
    SqliteStateStore store(dir.path() / "state.db", TestBox());
    StoredExport e;
    e.id = "e1";
    e.config = {{"destination",
                 {{"type", "S3"}, {"config", {{"aws_secret_access_key", "SUPERSECRETVALUE123"}}}}}};
    store.InsertExport(e);
  }
  std::string bytes;
  for (const char* name : {"state.db", "state.db-wal"}) {
    if (std::filesystem::exists(dir.path() / name)) bytes += ReadAll(dir.path() / name);
  }
  EXPECT_EQ(bytes.find("SUPERSECRETVALUE123"), std::string::npos);
  EXPECT_NE(bytes.find("enc:v1:"), std::string::npos);
  SqliteStateStore reopened(dir.path() / "state.db", TestBox());
  EXPECT_EQ(reopened.GetExport("e1")->config["destination"]["config"]["aws_secret_access_key"],
            "SUPERSECRETVALUE123");
  SecretBox::Key other;
  other.fill(8);
  // A wrong key reads no secret: the store refuses it at open (AStateRefusesAnotherSecretKey).
  EXPECT_THROW(SqliteStateStore(dir.path() / "state.db", SecretBox(other)), Error);
}

TEST(SqliteStateStore, MigrationsApplyOnceAndReopen) {
  testing::TempDir dir;
  const int latest = sqlite::StateMigrations().back().version;
  {
    SqliteStateStore store(dir.path() / "state.db", TestBox());
    EXPECT_EQ(store.schema_version(), latest);
  }
  SqliteStateStore store(dir.path() / "state.db", TestBox());
  EXPECT_EQ(store.schema_version(), latest);
  sqlite::Db db(dir.path() / "state.db");
  sqlite::Statement& q = db.Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Text(0), "wal");
}

TEST(SecretBox, KeyFromEnvironmentHexOrBase64) {
  const std::string hex(64, 'a');
  EXPECT_EQ(SecretBox::ParseKey(hex)[0], 0xaa);
  const std::string b64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  EXPECT_EQ(SecretBox::ParseKey(b64)[31], 31);
  EXPECT_THROW(SecretBox::ParseKey("short"), Error);

  testing::TempDir dir;
  ::setenv("BATCH_EXPORT_SECRET_KEY", hex.c_str(), 1);
  SecretBox from_env = SecretBox::FromEnvironmentOrFile(dir.path());
  ::unsetenv("BATCH_EXPORT_SECRET_KEY");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "secret.key"));
  EXPECT_EQ(SecretBox(SecretBox::ParseKey(hex)).Decrypt(from_env.Encrypt("x")), "x");
}

SecretBox BoxOf(unsigned char fill) {
  SecretBox::Key key;
  key.fill(fill);
  return SecretBox(key);
}

// Nodes with different keys shared one state without noticing; secrets sealed by one failed to
// open on another's workers. The state keeps the first key's check value.
TEST(SqliteStateStore, AStateRefusesAnotherSecretKey) {
  testing::TempDir dir;
  const auto path = dir.path() / "state.db";
  { SqliteStateStore first(path, BoxOf(1)); }
  try {
    SqliteStateStore other(path, BoxOf(2));
    FAIL() << "a second key opened the state";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "SecretKeyError");
    EXPECT_NE(e.message().find("not the key the state's secrets were sealed with"),
              std::string::npos)
        << e.message();
  }
  SqliteStateStore again(path, BoxOf(1));
  EXPECT_EQ(BoxOf(1).KeyCheck().size(), 64u);
  EXPECT_NE(BoxOf(1).KeyCheck(), BoxOf(2).KeyCheck());
}

TEST(SecretBox, KeyFileFlagAndNoKeyWithoutADataDir) {
  testing::TempDir dir;
  ::unsetenv("BATCH_EXPORT_SECRET_KEY");
  const auto file = dir.path() / "key";
  {
    std::ofstream out(file);
    out << std::string(64, 'b') << "\n";
  }
  std::filesystem::permissions(
      file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(SecretBox::FromEnvironmentOrFile("", file).KeyCheck(),
            SecretBox(SecretBox::ParseKey(std::string(64, 'b'))).KeyCheck());
  std::filesystem::permissions(file, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  EXPECT_THROW(SecretBox::FromEnvironmentOrFile("", file), Error);
  // No data dir, no variable, no file: no key is made up in the current directory.
  EXPECT_THROW(SecretBox::FromEnvironmentOrFile(""), Error);
}

TEST(SecretBox, GeneratedKeyFileIsPrivateAndStable) {
  testing::TempDir dir;
  ::unsetenv("BATCH_EXPORT_SECRET_KEY");
  SecretBox first = SecretBox::FromEnvironmentOrFile(dir.path());
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "secret.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  SecretBox second = SecretBox::FromEnvironmentOrFile(dir.path());
  const std::string sealed = first.Encrypt("hunter2");
  EXPECT_TRUE(SecretBox::IsSealed(sealed));
  EXPECT_EQ(second.Decrypt(sealed), "hunter2");
  EXPECT_NE(first.Encrypt("hunter2"), sealed);  // a fresh nonce each time
  std::string tampered = sealed;
  tampered[tampered.size() - 3] ^= 1;
  EXPECT_THROW(second.Decrypt(tampered), Error);
}

}  // namespace
}  // namespace bx
