#include "source/embedded/sample_events.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <new>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/error.h"

// Counts allocations made through global operator new (the generator's strings use it), so a
// test can assert that generating rows stops allocating once buffers have grown. A plain
// malloc/free pass-through: harmless for the other tests linked into this binary.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// The nothrow forms too (simdjson's parser uses them): under ASan an unreplaced one allocates
// with ASan's new, and the free() here would report a mismatch.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new(std::size_t size) {
  if (void* p = operator new(size, std::nothrow)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace bx {
namespace {

constexpr Micros kHour = 3600 * kMicrosPerSecond;

SampleEventOptions Options(uint64_t count, uint64_t seed = 7) {
  SampleEventOptions options;
  options.count = count;
  options.start = FromCivilUtc(2024, 1, 15);
  options.end = options.start + 24 * kHour;
  options.seed = seed;
  return options;
}

std::vector<EventRow> Generate(const SampleEventOptions& options) {
  SampleEventGenerator generator(options);
  std::vector<EventRow> rows;
  EventRow row;
  while (generator.Next(row)) rows.push_back(row);
  return rows;
}

bool SameRow(const EventRow& a, const EventRow& b) {
  return a.uuid == b.uuid && a.event == b.event && a.distinct_id == b.distinct_id &&
         a.person_id == b.person_id && a.properties == b.properties &&
         a.person_properties == b.person_properties && a.elements_chain == b.elements_chain &&
         a.team_id == b.team_id && a.timestamp == b.timestamp && a.created_at == b.created_at &&
         a.inserted_at == b.inserted_at;
}

bool HasNonAscii(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return (c & 0x80) != 0; });
}

// Compact JSON: no spaces or newlines between tokens.
bool HasWhitespaceOutsideStrings(const std::string& json) {
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      return true;
    }
  }
  return false;
}

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool IsUuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !IsLowerHex(text[i])) return false;
  }
  return true;
}

TEST(SampleEventGeneratorTest, SameSeedGivesIdenticalRows) {
  const auto a = Generate(Options(5000));
  const auto b = Generate(Options(5000));
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_TRUE(SameRow(a[i], b[i])) << "row " << i;
}

TEST(SampleEventGeneratorTest, DifferentSeedGivesDifferentRows) {
  const auto a = Generate(Options(2000, 7));
  const auto b = Generate(Options(2000, 8));
  ASSERT_EQ(a.size(), b.size());
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i].properties == b[i].properties ? 1 : 0;
  EXPECT_LT(same, a.size() / 100);
  EXPECT_NE(a[0].uuid, b[0].uuid);
}

TEST(SampleEventGeneratorTest, HonoursCount) {
  for (uint64_t count : {0, 1, 2, 1234}) {
    SampleEventGenerator generator(Options(count));
    EventRow row;
    uint64_t produced = 0;
    while (generator.Next(row)) ++produced;
    EXPECT_EQ(produced, count);
    EXPECT_FALSE(generator.Next(row));  // stays exhausted
  }
}

TEST(SampleEventGeneratorTest, SetsTeamId) {
  SampleEventOptions options = Options(10);
  options.team_id = 42;
  for (const EventRow& row : Generate(options)) EXPECT_EQ(row.team_id, 42);
}

TEST(SampleEventGeneratorTest, EndNotAfterStartThrowsNamingEnd) {
  SampleEventOptions options = Options(10);
  options.end = options.start;
  try {
    SampleEventGenerator generator(options);
    FAIL() << "expected InvalidArgument";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(e.message().find("--end"), std::string::npos) << e.message();
  }
  options.end = options.start - kHour;
  EXPECT_THROW(SampleEventGenerator{options}, Error);
}

TEST(SampleEventGeneratorTest, InsertedAtIsSortedAndUniform) {
  const SampleEventOptions options = Options(240'000);
  SampleEventGenerator generator(options);
  EventRow row;
  std::vector<uint64_t> buckets(24);
  Micros previous = options.start;
  while (generator.Next(row)) {
    ASSERT_GE(row.inserted_at, previous);
    ASSERT_LT(row.inserted_at, options.end);
    previous = row.inserted_at;
    ++buckets[(row.inserted_at - options.start) / kHour];
  }
  for (size_t hour = 0; hour < buckets.size(); ++hour) {
    EXPECT_NEAR(static_cast<double>(buckets[hour]), 10'000.0, 500.0) << "hour " << hour;
  }
}

TEST(SampleEventGeneratorTest, SortedEvenForShortSpansAndFewRows) {
  SampleEventOptions options = Options(5000);
  options.end = options.start + 10;  // 10 µs: many rows share an instant
  Micros previous = options.start;
  for (const EventRow& row : Generate(options)) {
    EXPECT_GE(row.inserted_at, previous);
    EXPECT_LT(row.inserted_at, options.end);
    previous = row.inserted_at;
  }
  options.count = 3;
  options.end = options.start + kHour;
  for (const EventRow& row : Generate(options)) EXPECT_LT(row.inserted_at, options.end);
}

TEST(SampleEventGeneratorTest, TimestampIsARealisticDelayBeforeInsertion) {
  const auto rows = Generate(Options(50'000));
  std::vector<Micros> delays;
  for (const EventRow& row : rows) {
    EXPECT_EQ(row.created_at, row.inserted_at);
    ASSERT_LE(row.timestamp, row.inserted_at);
    delays.push_back(row.inserted_at - row.timestamp);
  }
  std::sort(delays.begin(), delays.end());
  EXPECT_GE(delays.front(), 1000);                             // at least a millisecond
  EXPECT_LT(delays[delays.size() / 2], 5 * kMicrosPerSecond);  // typically seconds
  EXPECT_LT(delays[delays.size() * 95 / 100], 60 * kMicrosPerSecond);
  EXPECT_GT(delays.back(), 60 * kMicrosPerSecond);  // a few arrive minutes late
  EXPECT_LE(delays.back(), 20 * 60 * kMicrosPerSecond);
}

TEST(SampleEventGeneratorTest, JsonIsValidObjectsOfRealisticSize) {
  const auto rows = Generate(Options(20'000));
  size_t in_range = 0, non_ascii = 0;
  bool nested_set = false, items_array = false, cart_object = false;
  for (const EventRow& row : rows) {
    const auto properties = nlohmann::json::parse(row.properties);  // throws when invalid
    ASSERT_TRUE(properties.is_object()) << row.properties;
    EXPECT_TRUE(row.person_id.empty() && row.person_properties.empty())
        << "the store's PersonWriter sets them";
    EXPECT_FALSE(HasWhitespaceOutsideStrings(row.properties)) << row.properties;
    in_range += row.properties.size() >= 200 && row.properties.size() <= 800 ? 1 : 0;
    non_ascii += HasNonAscii(row.properties) ? 1 : 0;
    if (row.event == "$identify") nested_set |= properties["$set"].contains("email");
    if (row.event == "purchase") {
      items_array |= properties["items"].is_array() && !properties["items"].empty();
      cart_object |= properties["cart"].is_object();
      EXPECT_TRUE(properties["price"].is_number());
    }
    if (row.event == "$pageview") {
      EXPECT_TRUE(properties.contains("$current_url"));
      EXPECT_TRUE(properties.contains("$session_id"));
    }
  }
  EXPECT_GE(in_range, rows.size() * 99 / 100);
  EXPECT_GT(non_ascii, rows.size() / 20);
  EXPECT_TRUE(nested_set);
  EXPECT_TRUE(items_array);
  EXPECT_TRUE(cart_object);
}

TEST(SampleEventGeneratorTest, OnlyAutocaptureHasAnElementsChain) {
  size_t autocaptures = 0;
  for (const EventRow& row : Generate(Options(5000))) {
    if (row.event != "$autocapture") {
      EXPECT_TRUE(row.elements_chain.empty()) << row.event;
      continue;
    }
    ++autocaptures;
    ASSERT_FALSE(row.elements_chain.empty());
    EXPECT_NE(row.elements_chain.find("nth-child=\""), std::string::npos);
    EXPECT_NE(row.elements_chain.find(';'), std::string::npos);
    EXPECT_NE(row.elements_chain.find("body:"), std::string::npos);
    const auto properties = nlohmann::json::parse(row.properties);
    EXPECT_TRUE(properties["$event_type"].is_string());
  }
  EXPECT_GT(autocaptures, 0u);
}

TEST(SampleEventGeneratorTest, UuidsAreUniqueV7FromInsertedAt) {
  std::unordered_set<std::string> seen;
  for (const EventRow& row : Generate(Options(100'000))) {
    ASSERT_TRUE(IsUuid(row.uuid)) << row.uuid;
    EXPECT_EQ(row.uuid[14], '7');
    EXPECT_NE(std::string("89ab").find(row.uuid[19]), std::string::npos);
    const std::string hex_ms = row.uuid.substr(0, 8) + row.uuid.substr(9, 4);
    EXPECT_EQ(std::stoll(hex_ms, nullptr, 16), row.inserted_at / 1000);
    EXPECT_TRUE(seen.insert(row.uuid).second) << "duplicate " << row.uuid;
  }
}

TEST(SampleEventGeneratorTest, EventTypesComeInExpectedProportions) {
  std::map<std::string, double> share;
  const auto rows = Generate(Options(100'000));
  for (const EventRow& row : rows) share[row.event] += 1.0 / static_cast<double>(rows.size());
  EXPECT_GE(share.size(), 8u);
  EXPECT_NEAR(share["$pageview"], 0.41, 0.04);
  EXPECT_NEAR(share["$autocapture"], 0.22, 0.02);
  EXPECT_NEAR(share["$pageleave"], 0.14, 0.02);
  EXPECT_NEAR(share["button_clicked"], 0.08, 0.015);
  EXPECT_NEAR(share["$feature_flag_called"], 0.07, 0.015);
  EXPECT_GT(share["$identify"], 0.005);
  EXPECT_NEAR(share["purchase"], 0.03, 0.01);
  EXPECT_NEAR(share["signup"], 0.03, 0.01);
  EXPECT_NEAR(share["$create_alias"], 0.01, 0.005);
  for (const auto& [event, fraction] : share) {
    if (event != "$pageview") {
      EXPECT_LT(fraction, share["$pageview"]) << event;
    }
  }
}

TEST(SampleEventGeneratorTest, IdentitiesAreSkewedAndStable) {
  const uint64_t count = 100'000;
  std::unordered_map<std::string, uint64_t> events_of;
  size_t anonymous = 0, emails = 0, numbered = 0;
  for (const EventRow& row : Generate(Options(count))) {
    ++events_of[row.distinct_id];
    if (IsUuid(row.distinct_id)) {
      ++anonymous;
    } else if (row.distinct_id.find('@') != std::string::npos) {
      ++emails;
    } else {
      EXPECT_EQ(row.distinct_id.rfind("user_", 0), 0u) << row.distinct_id;
      ++numbered;
    }
  }
  EXPECT_GT(anonymous, count / 5);
  EXPECT_LT(anonymous, count * 7 / 10);
  EXPECT_GT(emails, count / 10);
  EXPECT_GT(numbered, count / 20);
  // ~count/20 users, each with up to three distinct_ids (anonymous, identified, an alias).
  EXPECT_GT(events_of.size(), count / 40);
  EXPECT_LT(events_of.size(), count / 5);
  std::vector<uint64_t> activity;
  for (const auto& [id, events] : events_of) activity.push_back(events);
  std::sort(activity.begin(), activity.end());
  EXPECT_GT(activity.back(), 20 * activity[activity.size() / 2]);  // heavy users, long tail
}

TEST(SampleEventGeneratorTest, SmallCountsStillUseSeveralUsers) {
  std::set<std::string> ids;
  for (const EventRow& row : Generate(Options(200))) ids.insert(row.distinct_id);
  EXPECT_GE(ids.size(), 5u);
}

TEST(SampleEventGeneratorTest, NoAllocationPerRowOnceWarm) {
  SampleEventGenerator generator(Options(60'000));
  EventRow row;
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(generator.Next(row));
  const uint64_t before = g_allocations.load();
  uint64_t rows = 0;
  while (generator.Next(row)) ++rows;
  ASSERT_EQ(rows, 50'000u);
  // A longer string than any seen during warm-up may still grow a buffer, rarely.
  EXPECT_LT(g_allocations.load() - before, 20u);
}

}  // namespace
}  // namespace bx
