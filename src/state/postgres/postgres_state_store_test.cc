#include "state/postgres/postgres_state_store.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "base/error.h"
#include "io/postgres/pg_connection.h"
#include "state/postgres/pg_leader_election.h"
#include "state/postgres/pg_migrations.h"
#include "testing/pg_test_support.h"
#include "testing/state_store_conformance.h"

namespace bx {
namespace {

using conformance::StateStoreConformance;
using conformance::StateStoreFactory;
namespace pgt = pg::testing;

SecretBox TestBox() {
  SecretBox::Key key;
  key.fill(7);
  return SecretBox(key);
}

// Each conformance test gets a schema of its own in the fixture's server.
INSTANTIATE_TEST_SUITE_P(Postgres, StateStoreConformance,
                         ::testing::Values(StateStoreFactory{
                             "postgres",
                             [](const std::filesystem::path&) -> std::unique_ptr<StateStore> {
                               return std::make_unique<PostgresStateStore>(
                                   pgt::FreshSchemaUrl(pgt::ServerUrl()), TestBox());
                             }}),
                         conformance::FactoryName);

TEST(PostgresStateStore, ConcurrentStartersMigrateOnce) {
  const std::string url = pgt::FreshSchemaUrl(pgt::ServerUrl());
  std::vector<std::thread> starters;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    starters.emplace_back([&] {
      PostgresStateStore store(url, TestBox());
      if (store.schema_version() == pg::StateMigrations().back().version) ++ok;
    });
  }
  for (auto& t : starters) t.join();
  EXPECT_EQ(ok, 4);
  pg::Connection conn(url);
  pg::Result r = conn.Exec({"count_migrations", "SELECT COUNT(*) FROM schema_migrations"});
  EXPECT_EQ(r.Int(0, 0), static_cast<int64_t>(pg::StateMigrations().size()));
}

// Nodes with different keys shared one state without noticing.
TEST(PostgresStateStore, AStateRefusesAnotherSecretKey) {
  const std::string url = pgt::FreshSchemaUrl(pgt::ServerUrl());
  PostgresStateStore first(url, TestBox());
  SecretBox::Key other;
  other.fill(8);
  try {
    PostgresStateStore second(url, SecretBox(other));
    FAIL() << "a second key opened the state";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "SecretKeyError");
    EXPECT_NE(e.message().find("not the key the state's secrets were sealed with"),
              std::string::npos)
        << e.message();
  }
  PostgresStateStore again(url, TestBox());
}

TEST(PostgresStateStore, SecretsAreEncryptedAtRest) {
  const std::string url = pgt::FreshSchemaUrl(pgt::ServerUrl());
  PostgresStateStore store(url, TestBox());
  StoredExport e;
  e.id = "e1";
  e.config = {{"destination", {{"type", "S3"}, {"config", {{"password", "SUPERSECRET123"}}}}}};
  store.InsertExport(e);
  pg::Connection conn(url);
  const std::string raw = conn.Exec({"raw_config", "SELECT config FROM exports"}).Text(0, 0);
  EXPECT_EQ(raw.find("SUPERSECRET123"), std::string::npos);
  EXPECT_NE(raw.find("enc:v1:"), std::string::npos);
  EXPECT_EQ(store.GetExport("e1")->config["destination"]["config"]["password"], "SUPERSECRET123");
}

// The server closed every connection (as in a restart): the next calls reconnect by themselves.
TEST(PostgresStateStore, ReconnectsAfterTheServerClosedItsConnections) {
  const std::string app = pgt::UniqueName("bx_reconnect");
  const std::string url = pgt::FreshSchemaUrl(pgt::ServerUrl()) + "&application_name=" + app;
  PostgresStateStore store(url, TestBox());
  StoredExport e;
  e.id = "e1";
  e.config = {{"name", "x"}};
  store.InsertExport(e);
  ASSERT_TRUE(store.GetExport("e1"));
  pg::Connection admin(pgt::ServerUrl());
  const int64_t killed = admin
                             .Exec({"kill_app",
                                    "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                    "WHERE application_name = $1"},
                                   pg::Params().Add(app))
                             .Int(0, 0);
  EXPECT_GE(killed, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // A write, which is never sent twice: the dead pooled connection is noticed before use.
  StoredExport e2 = e;
  e2.id = "e2";
  EXPECT_NO_THROW(store.InsertExport(e2));
  EXPECT_TRUE(store.GetExport("e1"));
  EXPECT_EQ(store.ListExports(std::nullopt, 10).size(), 2u);
}

TEST(PostgresStateStore, UnreachableServerIsARetryableError) {
  PostgresStoreOptions options;
  options.reconnect_window = std::chrono::milliseconds(300);
  try {
    PostgresStateStore store("postgres://bx:topsecret@127.0.0.1:1/none?connect_timeout=1",
                             TestBox(), options);
    FAIL() << "connected to port 1";
  } catch (const Error& e) {
    EXPECT_TRUE(e.retryable()) << e.Describe();
    EXPECT_EQ(e.message().find("topsecret"), std::string::npos) << e.message();
  }
}

TEST(PostgresLeaderElection, OneLeaderAndTakeoverWhenItsSessionEnds) {
  const std::string url = pgt::FreshDatabaseUrl(pgt::ServerUrl());
  auto first = std::make_unique<PostgresLeaderElection>(url);
  PostgresLeaderElection second(url);
  EXPECT_TRUE(first->IsLeader());
  EXPECT_FALSE(second.IsLeader());
  EXPECT_TRUE(first->IsLeader());  // stays leader
  first.reset();                   // its connection closes: the lock is free
  bool took_over = false;
  for (int i = 0; i < 50 && !took_over; ++i) {
    took_over = second.IsLeader();
    if (!took_over) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(took_over);
}

TEST(PgConnection, RedactsPasswords) {
  EXPECT_EQ(pg::RedactConnectionString("postgres://bx:s3cret@db:5432/bx"),
            "postgres://bx:***@db:5432/bx");
  EXPECT_EQ(pg::RedactConnectionString("postgresql://bx@db/bx?password=s3cret&sslmode=off"),
            "postgresql://bx@db/bx?password=***&sslmode=off");
  EXPECT_EQ(pg::RedactConnectionString("host=db password=s3cret user=bx"),
            "host=db password=*** user=bx");
  EXPECT_EQ(pg::RedactConnectionString("postgres://db/bx"), "postgres://db/bx");
}

}  // namespace
}  // namespace bx
