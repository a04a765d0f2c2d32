#include "source/embedded/person_writer.h"

#include <sqlite3.h>
#include <xxhash.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "source/embedded/event_store.h"
#include "source/embedded/store_sql.h"

namespace bx {
namespace {

using json = nlohmann::json;
using store_sql::BindText;
using store_sql::StoreError;
using Resetting = store_sql::ResetOnExit;

sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  return store_sql::Prepare(db, sql, "embedded store: preparing the persons statements");
}

std::string ColumnText(sqlite3_stmt* stmt, int index) {
  return std::string(store_sql::ColumnText(stmt, index));
}

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The string at `key` of an object, or "".
std::string StringAt(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string CacheKey(int64_t team_id, std::string_view id) {
  std::string key = std::to_string(team_id);
  key += '/';
  key += id;
  return key;
}

// Entries remembered before the cache starts over: a few tens of MB at most.
constexpr size_t kMaxRemembered = 200000;

}  // namespace

std::string PersonIdFor(int64_t team_id, std::string_view distinct_id) {
  const XXH128_hash_t h =
      XXH3_128bits_withSeed(distinct_id.data(), distinct_id.size(), static_cast<uint64_t>(team_id));
  const uint64_t hi = (h.high64 & ~0xF000ULL) | 0x5000;
  const uint64_t lo = (h.low64 & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

struct PersonWriter::Person {
  int64_t team_id = 0;
  std::string id;
  int64_t version = -1;  // of the stored state; -1 for a person not stored yet
  Micros created_at = 0;
  bool is_deleted = false;
  bool changed = false;  // differs from the stored state

  // The properties as stored, parsed only when they are to change.
  const std::string& text() const { return text_; }
  json& properties() {
    if (!parsed_) {
      parsed_ = json::parse(text_, nullptr, false);
      if (!parsed_->is_object()) parsed_ = json::object();
    }
    return *parsed_;
  }
  void set_text(std::string text) {
    text_ = std::move(text);
    parsed_.reset();
  }
  // After a change through properties(): the text to store.
  void Serialize() {
    if (parsed_) text_ = Dump(*parsed_);
  }

 private:
  std::string text_ = "{}";
  std::optional<json> parsed_;
};

PersonWriter::PersonWriter(EventStore& store) : store_(store) {
  sqlite3* db = store.db();
  data_version_stmt_ = Prepare(db, "PRAGMA data_version");
  find_mapping_ = Prepare(db,
                          "SELECT person_id, version FROM distinct_id_changes "
                          "WHERE team_id = ?1 AND distinct_id = ?2 ORDER BY version DESC LIMIT 1");
  find_person_ = Prepare(db,
                         "SELECT version, properties, created_at, is_deleted FROM person_changes "
                         "WHERE team_id = ?1 AND person_id = ?2 ORDER BY version DESC LIMIT 1");
  insert_mapping_ = Prepare(db,
                            "INSERT INTO distinct_id_changes (team_id, distinct_id, version, "
                            "person_id, changed_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  insert_person_ =
      Prepare(db,
              "INSERT INTO person_changes (team_id, person_id, version, properties, "
              "created_at, is_deleted, changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  distinct_ids_of_ = Prepare(db,
                             "SELECT DISTINCT distinct_id FROM distinct_id_changes "
                             "WHERE team_id = ?1 AND person_id = ?2");
}

PersonWriter::~PersonWriter() {
  for (sqlite3_stmt* s : {data_version_stmt_, find_mapping_, find_person_, insert_mapping_,
                          insert_person_, distinct_ids_of_}) {
    sqlite3_finalize(s);
  }
}

void PersonWriter::Begin() {
  const Resetting reset(data_version_stmt_);
  if (sqlite3_step(data_version_stmt_) != SQLITE_ROW) {
    throw StoreError(store_.db(), "embedded store: reading the data version");
  }
  const int64_t version = sqlite3_column_int64(data_version_stmt_, 0);
  if (version != data_version_) {
    mappings_.clear();
    persons_.clear();
    data_version_ = version;
  }
}

void PersonWriter::Remember(const Mapping& mapping, int64_t team_id, std::string_view distinct_id) {
  if (mappings_.size() >= kMaxRemembered) mappings_.clear();
  mappings_[CacheKey(team_id, distinct_id)] = mapping;
}

void PersonWriter::Remember(const Person& person, int64_t version) {
  if (persons_.size() >= kMaxRemembered) persons_.clear();
  auto copy = std::make_unique<Person>(person);
  copy->version = version;
  copy->changed = false;
  copy->set_text(person.text());  // drops a parsed copy
  persons_[CacheKey(person.team_id, person.id)] = std::move(copy);
}

std::optional<PersonWriter::Mapping> PersonWriter::FindMapping(int64_t team_id,
                                                               std::string_view distinct_id) {
  if (const auto it = mappings_.find(CacheKey(team_id, distinct_id)); it != mappings_.end()) {
    return it->second;
  }
  const Resetting reset(find_mapping_);
  sqlite3_bind_int64(find_mapping_, 1, team_id);
  BindText(find_mapping_, 2, distinct_id);
  const int rc = sqlite3_step(find_mapping_);
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW)
    throw StoreError(store_.db(), "embedded store: reading a distinct_id's person");
  Mapping mapping{ColumnText(find_mapping_, 0), sqlite3_column_int64(find_mapping_, 1)};
  Remember(mapping, team_id, distinct_id);
  return mapping;
}

std::optional<PersonWriter::Person> PersonWriter::FindPerson(int64_t team_id,
                                                             std::string_view person_id) {
  if (const auto it = persons_.find(CacheKey(team_id, person_id)); it != persons_.end()) {
    return *it->second;
  }
  const Resetting reset(find_person_);
  sqlite3_bind_int64(find_person_, 1, team_id);
  BindText(find_person_, 2, person_id);
  const int rc = sqlite3_step(find_person_);
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) throw StoreError(store_.db(), "embedded store: reading a person");
  Person p;
  p.team_id = team_id;
  p.id = std::string(person_id);
  p.version = sqlite3_column_int64(find_person_, 0);
  p.set_text(ColumnText(find_person_, 1));
  p.created_at = sqlite3_column_int64(find_person_, 2);
  p.is_deleted = sqlite3_column_int64(find_person_, 3) != 0;
  Remember(p, p.version);
  return p;
}

std::optional<PersonWriter::Person> PersonWriter::LivePersonOf(int64_t team_id,
                                                               std::string_view distinct_id) {
  const auto mapping = FindMapping(team_id, distinct_id);
  if (!mapping) return std::nullopt;
  auto person = FindPerson(team_id, mapping->person_id);
  if (!person || person->is_deleted) return std::nullopt;
  return person;
}

void PersonWriter::Map(int64_t team_id, std::string_view distinct_id, const std::string& person_id,
                       Micros at) {
  const auto previous = FindMapping(team_id, distinct_id);
  if (previous && previous->person_id == person_id) return;
  const Resetting reset(insert_mapping_);
  sqlite3_bind_int64(insert_mapping_, 1, team_id);
  BindText(insert_mapping_, 2, distinct_id);
  const int64_t version = previous ? previous->version + 1 : 0;
  sqlite3_bind_int64(insert_mapping_, 3, version);
  BindText(insert_mapping_, 4, person_id);
  sqlite3_bind_int64(insert_mapping_, 5, at);
  if (sqlite3_step(insert_mapping_) != SQLITE_DONE) {
    throw StoreError(store_.db(), "embedded store: mapping a distinct_id to its person");
  }
  Remember(Mapping{person_id, version}, team_id, distinct_id);
}

void PersonWriter::Save(const Person& person, Micros at) {
  const Resetting reset(insert_person_);
  sqlite3_bind_int64(insert_person_, 1, person.team_id);
  BindText(insert_person_, 2, person.id);
  sqlite3_bind_int64(insert_person_, 3, person.version + 1);
  BindText(insert_person_, 4, person.text());
  sqlite3_bind_int64(insert_person_, 5, person.created_at);
  sqlite3_bind_int64(insert_person_, 6, person.is_deleted ? 1 : 0);
  sqlite3_bind_int64(insert_person_, 7, at);
  if (sqlite3_step(insert_person_) != SQLITE_DONE) {
    throw StoreError(store_.db(), "embedded store: saving a person");
  }
  Remember(person, person.version + 1);
}

PersonWriter::Person PersonWriter::NewPerson(int64_t team_id, std::string_view distinct_id,
                                             Micros created_at) {
  Person p;
  p.team_id = team_id;
  p.created_at = created_at;
  p.changed = true;
  // A distinct_id whose person was deleted (or merged away) gets a new id.
  p.id = PersonIdFor(team_id, distinct_id);
  for (int n = 1; FindPerson(team_id, p.id); ++n) {
    p.id = PersonIdFor(team_id, std::string(distinct_id) + '\n' + std::to_string(n));
  }
  return p;
}

PersonWriter::Person PersonWriter::Merge(int64_t team_id, std::string_view distinct_id,
                                         std::string_view other, Micros created_at, Micros at) {
  auto target = LivePersonOf(team_id, distinct_id);
  auto source = LivePersonOf(team_id, other);
  if (!target && !source) {
    Person p = NewPerson(team_id, distinct_id, created_at);
    Map(team_id, distinct_id, p.id, at);
    Map(team_id, other, p.id, at);
    return p;
  }
  if (!source) {
    Map(team_id, other, target->id, at);
    return *target;
  }
  if (!target) {
    Map(team_id, distinct_id, source->id, at);
    return *source;
  }
  if (target->id == source->id) return *target;

  std::vector<std::string> moved;
  {
    const Resetting reset(distinct_ids_of_);
    sqlite3_bind_int64(distinct_ids_of_, 1, team_id);
    BindText(distinct_ids_of_, 2, source->id);
    int rc;
    while ((rc = sqlite3_step(distinct_ids_of_)) == SQLITE_ROW) {
      moved.push_back(ColumnText(distinct_ids_of_, 0));
    }
    if (rc != SQLITE_DONE)
      throw StoreError(store_.db(), "embedded store: listing a person's distinct_ids");
  }
  for (const std::string& d : moved) {
    const auto mapping = FindMapping(team_id, d);
    if (mapping && mapping->person_id == source->id) Map(team_id, d, target->id, at);
  }
  json& properties = target->properties();
  for (const auto& [key, value] : source->properties().items()) {
    if (!properties.contains(key)) {
      properties[key] = value;
      target->changed = true;
    }
  }
  if (source->created_at < target->created_at) {
    target->created_at = source->created_at;
    target->changed = true;
  }
  source->is_deleted = true;
  Save(*source, at);
  return *target;
}

void PersonWriter::Apply(EventRow& row) {
  const Micros at = row.inserted_at;
  const bool identify = row.event == "$identify";
  const bool alias = row.event == "$create_alias";
  const bool updates = row.properties.find("\"$set") != std::string::npos ||
                       row.properties.find("\"$unset") != std::string::npos;
  json event;
  if (identify || alias || updates) {
    event = json::parse(row.properties, nullptr, false);
    if (!event.is_object()) event = json::object();
  }
  const std::string other = identify ? StringAt(event, "$anon_distinct_id")
                            : alias  ? StringAt(event, "alias")
                                     : "";
  std::optional<Person> person;
  if (!other.empty() && other != row.distinct_id) {
    person = Merge(row.team_id, row.distinct_id, other, row.timestamp, at);
  } else {
    person = LivePersonOf(row.team_id, row.distinct_id);
    if (!person) {
      person = NewPerson(row.team_id, row.distinct_id, row.timestamp);
      Map(row.team_id, row.distinct_id, person->id, at);
    }
  }

  if (updates) {
    json& properties = person->properties();
    if (const auto it = event.find("$set_once"); it != event.end() && it->is_object()) {
      for (const auto& [key, value] : it->items()) {
        if (!properties.contains(key)) {
          properties[key] = value;
          person->changed = true;
        }
      }
    }
    if (const auto it = event.find("$set"); it != event.end() && it->is_object()) {
      for (const auto& [key, value] : it->items()) {
        const auto old = properties.find(key);
        if (old == properties.end() || *old != value) {
          properties[key] = value;
          person->changed = true;
        }
      }
    }
    if (const auto it = event.find("$unset"); it != event.end()) {
      auto unset = [&](const std::string& key) {
        if (properties.erase(key) > 0) person->changed = true;
      };
      if (it->is_array()) {
        for (const json& key : *it) {
          if (key.is_string()) unset(key.get<std::string>());
        }
      } else if (it->is_object()) {
        for (const auto& [key, value] : it->items()) unset(key);
      }
    }
  }
  if (person->changed) {
    person->Serialize();
    Save(*person, at);
  }
  row.person_id = person->id;
  row.person_properties = person->text();
}

bool PersonWriter::DeletePerson(int64_t team_id, const std::string& person_id, Micros at) {
  auto person = FindPerson(team_id, person_id);
  if (!person || person->is_deleted) return false;
  person->is_deleted = true;
  Save(*person, at);
  return true;
}

}  // namespace bx
