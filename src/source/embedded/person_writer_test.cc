#include "source/embedded/person_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/schemas.h"
#include "source/embedded/event_store.h"
#include "testing/temp_dir.h"

namespace bx {
namespace {

using json = nlohmann::json;

constexpr Micros kHour = 3600LL * kMicrosPerSecond;
constexpr Micros kMinute = 60LL * kMicrosPerSecond;
constexpr Micros kDay0 = 1705276800LL * kMicrosPerSecond;  // 2024-01-15T00:00:00Z

Micros At(int hour, int minute) { return kDay0 + hour * kHour + minute * kMinute; }

class PersonWriterTest : public ::testing::Test {
 protected:
  PersonWriterTest()
      : path_(dir_.path() / "events.db"), store_(path_), events_(store_), persons_(store_) {}

  // Ingests one event as capture does, and returns it as stored.
  EventRow Ingest(const std::string& event, const std::string& distinct_id, const json& properties,
                  Micros at) {
    EventRow row;
    row.uuid = "e" + std::to_string(++events_written_);
    row.event = event;
    row.distinct_id = distinct_id;
    row.properties = properties.dump();
    row.team_id = 1;
    row.timestamp = row.created_at = row.inserted_at = at;
    events_.Begin();
    persons_.Begin();
    persons_.Apply(row);
    events_.Insert(row);
    events_.Flush();
    return row;
  }

  // The persons model of [start, end), one line a row: distinct_id, person_id, properties,
  // person_distinct_id_version, person_version, created_at, _inserted_at, is_deleted.
  std::vector<std::string> Persons(Micros start, Micros end) {
    EmbeddedSource source(path_);
    ExportQuery query;
    query.model = Model::kPersons;
    query.interval = {start, end};
    auto reader = source.Read(query);
    RecordBatch batch(FileSchema(Model::kPersons));
    std::vector<std::string> out;
    while (reader->Next(batch)) {
      for (size_t r = 0; r < batch.num_rows(); ++r) {
        EXPECT_EQ(batch.column(0).Int(r), 1);
        out.push_back(
            std::string(batch.column(1).String(r)) + " " + std::string(batch.column(2).String(r)) +
            " " + std::string(batch.column(3).String(r)) + " " +
            std::to_string(batch.column(4).Int(r)) + " " + std::to_string(batch.column(5).Int(r)) +
            " " + FormatIso(batch.column(6).Int(r)) + " " + FormatIso(batch.column(7).Int(r)) +
            (batch.column(8).Bool(r) ? " deleted" : ""));
      }
    }
    return out;
  }

  testing::TempDir dir_;
  std::filesystem::path path_;
  EventStore store_;
  EventWriter events_;
  PersonWriter persons_;
  int events_written_ = 0;
};

TEST_F(PersonWriterTest, PersonIdsAreStableUuidsPerTeamAndDistinctId) {
  EXPECT_EQ(PersonIdFor(1, "u1"), PersonIdFor(1, "u1"));
  EXPECT_NE(PersonIdFor(1, "u1"), PersonIdFor(1, "u2"));
  EXPECT_NE(PersonIdFor(1, "u1"), PersonIdFor(2, "u1"));
  const std::string id = PersonIdFor(1, "u1");
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '5');
}

TEST_F(PersonWriterTest, SetSetOnceAndUnsetChangeThePersonAndItsVersion) {
  const auto a = Ingest("$pageview", "d1", {{"$set_once", {{"first", 1}}}}, At(0, 1));
  EXPECT_EQ(a.person_id, PersonIdFor(1, "d1"));
  EXPECT_EQ(a.person_properties, R"({"first":1})");
  const auto b = Ingest("$pageview", "d1", {{"$set_once", {{"first", 2}}}}, At(0, 2));
  EXPECT_EQ(b.person_properties, R"({"first":1})");  // set_once never overwrites
  const auto c =
      Ingest("$set", "d1", {{"$set", {{"plan", "pro"}}}, {"$unset", {"first"}}}, At(0, 3));
  EXPECT_EQ(c.person_properties, R"({"plan":"pro"})");
  const auto d = Ingest("$set", "d1", {{"$set", {{"plan", "pro"}}}}, At(0, 4));  // no change
  EXPECT_EQ(d.person_properties, R"({"plan":"pro"})");
  const auto e = Ingest("$pageview", "d1", json::object(), At(0, 5));
  EXPECT_EQ(e.person_id, a.person_id);
  EXPECT_EQ(e.person_properties, R"({"plan":"pro"})");
  // Version 0 at creation, 1 for the $set and $unset; the set_once and the $set that changed
  // nothing are no change.
  EXPECT_EQ(Persons(At(0, 0), At(1, 0)),
            (std::vector<std::string>{"d1 " + a.person_id +
                                      R"( {"plan":"pro"} 0 1 2024-01-15T00:01:00+00:00 )"
                                      "2024-01-15T00:01:00+00:00"}));
}

// The persons model hour by hour, through anonymous visits, an identify, updates, an alias that
// merges two persons, a second identify, a deletion and a return after it. Every interval is
// read after all of it was ingested: each shows the state as of its own end.
TEST_F(PersonWriterTest, HourlyExportsHoldEachChangedDistinctIdInItsStateAtTheEnd) {
  const std::string p1 = PersonIdFor(1, "a1"), p2 = PersonIdFor(1, "a2");
  Ingest("$pageview", "a1", json::object(), At(0, 10));
  Ingest("$pageview", "a1", {{"$set_once", {{"first_seen", "h0"}}}}, At(0, 20));
  Ingest("$pageview", "a2", json::object(), At(1, 10));
  const auto identify =
      Ingest("$identify", "user@x", {{"$anon_distinct_id", "a1"}, {"$set", {{"email", "user@x"}}}},
             At(1, 20));
  EXPECT_EQ(identify.person_id, p1);
  EXPECT_EQ(identify.person_properties, R"({"email":"user@x","first_seen":"h0"})");
  Ingest("$set", "user@x", {{"$set", {{"plan", "pro"}}}, {"$unset", {"first_seen"}}}, At(2, 10));
  const auto alias = Ingest("$create_alias", "user@x", {{"alias", "a2"}}, At(2, 20));
  EXPECT_EQ(alias.person_id, p1);
  const auto after_alias = Ingest("$pageview", "a2", json::object(), At(2, 30));
  EXPECT_EQ(after_alias.person_id, p1);  // a2's events now carry the merged person
  EXPECT_EQ(after_alias.person_properties, R"({"email":"user@x","plan":"pro"})");
  Ingest("$identify", "user@x", {{"$anon_distinct_id", "a3"}}, At(3, 10));
  Ingest("$pageview", "a3", {{"$set_once", {{"email", "other"}}}}, At(3, 30));  // no change
  EXPECT_TRUE(persons_.DeletePerson(1, p1, At(4, 10)));
  EXPECT_FALSE(persons_.DeletePerson(1, p1, At(4, 11)));
  EXPECT_FALSE(persons_.DeletePerson(1, "no-such-person", At(4, 12)));
  const auto back = Ingest("$pageview", "a1", json::object(), At(5, 10));
  EXPECT_NE(back.person_id, p1);
  EXPECT_EQ(back.person_properties, "{}");

  const std::string c0 = " 2024-01-15T00:10:00+00:00 ";  // p1's created_at
  const std::string c1 = " 2024-01-15T01:10:00+00:00 ";  // p2's
  const std::string v2 = R"({"email":"user@x","first_seen":"h0"})";
  const std::string v3 = R"({"email":"user@x","plan":"pro"})";
  const std::vector<std::vector<std::string>> expected = {
      // 00:00-01:00: a1 created, then set_once.
      {"a1 " + p1 + R"( {"first_seen":"h0"} 0 1)" + c0 + "2024-01-15T00:10:00+00:00"},
      // 01:00-02:00: a2 appears; user@x identifies as a1 and sets its email.
      {"a1 " + p1 + " " + v2 + " 0 2" + c0 + "2024-01-15T01:20:00+00:00",
       "a2 " + p2 + " {} 0 0" + c1 + "2024-01-15T01:10:00+00:00",
       "user@x " + p1 + " " + v2 + " 0 2" + c0 + "2024-01-15T01:20:00+00:00"},
      // 02:00-03:00: set and unset, then the alias moves a2 over (its mapping's version 1).
      {"a1 " + p1 + " " + v3 + " 0 3" + c0 + "2024-01-15T02:10:00+00:00",
       "a2 " + p1 + " " + v3 + " 1 3" + c0 + "2024-01-15T02:10:00+00:00",
       "user@x " + p1 + " " + v3 + " 0 3" + c0 + "2024-01-15T02:10:00+00:00"},
      // 03:00-04:00: a3 joins; its set_once changes nothing.
      {"a3 " + p1 + " " + v3 + " 0 3" + c0 + "2024-01-15T03:10:00+00:00"},
      // 04:00-05:00: the deletion, on every distinct_id of the person.
      {"a1 " + p1 + " " + v3 + " 0 4" + c0 + "2024-01-15T04:10:00+00:00 deleted",
       "a2 " + p1 + " " + v3 + " 1 4" + c0 + "2024-01-15T04:10:00+00:00 deleted",
       "a3 " + p1 + " " + v3 + " 0 4" + c0 + "2024-01-15T04:10:00+00:00 deleted",
       "user@x " + p1 + " " + v3 + " 0 4" + c0 + "2024-01-15T04:10:00+00:00 deleted"},
      // 05:00-06:00: a1 comes back as a new person.
      {"a1 " + back.person_id + " {} 1 0 2024-01-15T05:10:00+00:00 2024-01-15T05:10:00+00:00"},
  };
  for (int hour = 0; hour < 6; ++hour) {
    EXPECT_EQ(Persons(At(hour, 0), At(hour + 1, 0)), expected[hour]) << "hour " << hour;
  }
  EXPECT_TRUE(Persons(At(6, 0), At(7, 0)).empty());
  // A day at once: each distinct_id once, as at the day's end.
  const auto day = Persons(At(0, 0), At(24, 0));
  ASSERT_EQ(day.size(), 4u);
  EXPECT_EQ(day[0], expected[5][0]);
  // a2's latest mapping change (02:20) is earlier than its person's (04:10).
  EXPECT_EQ(day[1], "a2 " + p1 + " " + v3 + " 1 4" + c0 + "2024-01-15T02:20:00+00:00 deleted");
}

TEST_F(PersonWriterTest, TwoUnseenDistinctIdsOfAnIdentifyShareANewPerson) {
  const auto row = Ingest("$identify", "u", {{"$anon_distinct_id", "anon"}}, At(0, 1));
  EXPECT_EQ(row.person_id, PersonIdFor(1, "u"));
  const auto anon = Ingest("$pageview", "anon", json::object(), At(0, 2));
  EXPECT_EQ(anon.person_id, row.person_id);
  EXPECT_EQ(Persons(At(0, 0), At(1, 0)).size(), 2u);
}

TEST_F(PersonWriterTest, MergedPropertiesKeepTheIdentifiedPersonsValues) {
  Ingest("$pageview", "anon", {{"$set", {{"plan", "free"}, {"ref", "ad"}}}}, At(0, 1));
  Ingest("$pageview", "user", {{"$set", {{"plan", "pro"}}}}, At(0, 2));
  const auto row = Ingest("$identify", "user", {{"$anon_distinct_id", "anon"}}, At(0, 3));
  EXPECT_EQ(row.person_id, PersonIdFor(1, "user"));
  EXPECT_EQ(row.person_properties, R"({"plan":"pro","ref":"ad"})");
}

TEST_F(PersonWriterTest, MalformedPersonFieldsChangeNothing) {
  const auto a = Ingest("$identify", "u", {{"$anon_distinct_id", 42}}, At(0, 1));
  EXPECT_EQ(a.person_id, PersonIdFor(1, "u"));
  const auto b = Ingest("$create_alias", "u", {{"alias", "u"}}, At(0, 2));  // itself
  EXPECT_EQ(b.person_id, a.person_id);
  const auto c = Ingest("$set", "u", {{"$set", "not an object"}, {"$unset", 7}}, At(0, 3));
  EXPECT_EQ(c.person_properties, "{}");
  EXPECT_EQ(Persons(At(0, 0), At(1, 0)).size(), 1u);
}

// The writer remembers persons between events; a change through another connection (here a
// deletion) must not be hidden by what it remembers.
TEST_F(PersonWriterTest, AChangeByAnotherConnectionIsSeenByTheNextTransaction) {
  const auto before = Ingest("$pageview", "u", {{"$set", {{"plan", "pro"}}}}, At(0, 1));
  {
    EventStore other_store(path_);
    PersonWriter other(other_store);
    ASSERT_TRUE(other.DeletePerson(1, before.person_id, At(0, 2)));
  }
  const auto after = Ingest("$pageview", "u", json::object(), At(0, 3));
  EXPECT_NE(after.person_id, before.person_id);
  EXPECT_EQ(after.person_properties, "{}");
}

}  // namespace
}  // namespace bx
