#pragma once
// Maintains persons in the embedded store from ingested events, the way product-analytics
// tools do, and stamps each event with its person as of its ingestion.
//
// The store keeps every state a person and a distinct_id mapping ever had (tables
// `person_changes` and `distinct_id_changes`, with the ingestion time of each change), so that
// the persons model can export the state as of any interval's end, the same on every rerun.
//
//   - Every distinct_id seen gets a person (its id: PersonIdFor(team, distinct_id)).
//   - `$identify` with `$anon_distinct_id`, and `$create_alias` with `alias`, merge the other
//     distinct_id's person into the event's: the other person's distinct_ids move over (each
//     mapping's version + 1), the properties join (the event's person wins a key both have), and
//     the other person is marked deleted. Either distinct_id still unseen just joins the other.
//   - `$set_once`, then `$set`, then `$unset` (in `properties`; capture copies top-level ones
//     there) update the event's person: set_once never overwrites a key.
//   - A person's version starts at 0 and grows by one with each change (a `$set` that changes
//     nothing is none); a mapping's version likewise with each remapping.
//   - A deleted person is gone for new events: its distinct_ids get a new person.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/time.h"
#include "source/embedded/event_row.h"

struct sqlite3_stmt;

namespace bx {

class EventStore;

// Name-based UUID (version 5 layout) of the team and distinct_id: the same person for the same
// distinct_id, in every request and every process.
std::string PersonIdFor(int64_t team_id, std::string_view distinct_id);

// Not thread-safe. Runs its statements on the store's connection: the caller holds the
// transaction (EventWriter::Begin) so that an event and its person changes commit together.
class PersonWriter {
 public:
  explicit PersonWriter(EventStore& store);
  ~PersonWriter();
  PersonWriter(const PersonWriter&) = delete;
  PersonWriter& operator=(const PersonWriter&) = delete;

  // At the start of each transaction: forgets what it remembers of the store when another
  // connection has changed it since.
  void Begin();

  // Applies the person side of `row` at row.inserted_at, then sets row.person_id and
  // row.person_properties to its person's as they are after it.
  void Apply(EventRow& row);

  // Marks the person deleted (a new version, exported with is_deleted); false when the team has
  // no such person or it is already deleted.
  bool DeletePerson(int64_t team_id, const std::string& person_id, Micros at);

 private:
  struct Person;
  struct Mapping {
    std::string person_id;
    int64_t version = 0;
  };

  std::optional<Mapping> FindMapping(int64_t team_id, std::string_view distinct_id);
  std::optional<Person> FindPerson(int64_t team_id, std::string_view person_id);
  // The live person `distinct_id` maps to, if any.
  std::optional<Person> LivePersonOf(int64_t team_id, std::string_view distinct_id);
  void Map(int64_t team_id, std::string_view distinct_id, const std::string& person_id, Micros at);
  void Save(const Person& person, Micros at);
  Person NewPerson(int64_t team_id, std::string_view distinct_id, Micros created_at);
  // Joins `other`'s person and distinct_id into `distinct_id`'s; returns the resulting person.
  Person Merge(int64_t team_id, std::string_view distinct_id, std::string_view other,
               Micros created_at, Micros at);

  // The latest stored state of the mappings and persons read or written through this writer,
  // so that an event of a known distinct_id costs no query. Keyed by team_id '/' id; cleared
  // when another connection writes to the store and when it grows past a bound.
  void Remember(const Mapping& mapping, int64_t team_id, std::string_view distinct_id);
  void Remember(const Person& person, int64_t version);
  std::unordered_map<std::string, Mapping> mappings_;
  std::unordered_map<std::string, std::unique_ptr<Person>> persons_;
  int64_t data_version_ = -1;

  EventStore& store_;
  sqlite3_stmt* data_version_stmt_ = nullptr;
  sqlite3_stmt* find_mapping_ = nullptr;
  sqlite3_stmt* find_person_ = nullptr;
  sqlite3_stmt* insert_mapping_ = nullptr;
  sqlite3_stmt* insert_person_ = nullptr;
  sqlite3_stmt* distinct_ids_of_ = nullptr;
};

}  // namespace bx
