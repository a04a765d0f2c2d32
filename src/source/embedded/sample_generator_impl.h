#pragma once
// The sample event generator's insides, shared by its two source files: sample_events.cc (users,
// times, the event mix) and sample_event_properties.cc (each event type's properties).

#include <string>
#include <vector>

#include "source/embedded/sample_events.h"
#include "source/embedded/sample_ids.h"
#include "source/embedded/sample_json_writer.h"
#include "source/embedded/sample_pools.h"
#include "source/embedded/sample_rng.h"

namespace bx {
namespace sample {

inline constexpr Micros kMillisecond = 1000;
inline constexpr Micros kMinute = 60 * kMicrosPerSecond;
inline constexpr Micros kDay = 24 * 60 * kMinute;
inline constexpr Micros kSessionLength = 30 * kMinute;

// ---------------------------------------------------------------------------------------------
// A user: everything stable about them derives from one hash of (seed, rank).

struct User {
  uint64_t number = 0;  // public and unique: user_<number>, email local part
  uint64_t key = 0;
  bool identified = false;
  bool uses_email = false;
  const Name* first = nullptr;
  const Name* last = nullptr;
  std::string_view email_domain, plan, lib_version;
  const Device* device = nullptr;
  int browser_version = 0;
  const Geo* geo = nullptr;
  const Referrer* initial_referrer = nullptr;
  const Utm* initial_utm = nullptr;  // null when they arrived without one
  Micros first_seen = 0;
  char anon_id[36];
};

// Desktop browsers lose some height to chrome; the exact figure varies per user.
inline int ViewportHeight(const User& user) {
  return user.device->screen_height - 80 - static_cast<int>(user.key % 60);
}

}  // namespace sample

using namespace sample;  // NOLINT: the generator's own helpers and tables

class SampleEventGenerator::Impl {
 public:
  explicit Impl(const SampleEventOptions& options);
  bool Next(EventRow& row);

 private:
  Micros NextInsertedAt();
  Micros ClientDelay();
  uint64_t PickUserRank();
  void LoadUser(uint64_t rank, User& user) const;
  void AssignIdentifiedId(const User& user, std::string& out) const;
  void AppendEmail(const User& user, std::string& out) const;
  void AppendFullName(const User& user, std::string& out) const;
  void BuildUrl(const Page& page, const Utm* utm);
  void WebCommon(JsonWriter& json, const User& user, const Page& page, const Referrer& referrer,
                 Micros at);
  void SessionIds(JsonWriter& json, const User& user, Micros at);
  void Properties(Kind kind, const User& user, EventRow& row);
  void Pageview(JsonWriter& json, const User& user, Micros at);
  void Autocapture(JsonWriter& json, const User& user, Micros at, EventRow& row);
  void Pageleave(JsonWriter& json, const User& user, Micros at);
  void ButtonClicked(JsonWriter& json, const User& user, Micros at);
  void FeatureFlagCalled(JsonWriter& json, const User& user, Micros at);
  void Identify(JsonWriter& json, const User& user, Micros at);
  void Purchase(JsonWriter& json, const User& user);
  void Signup(JsonWriter& json, const User& user, Micros at);
  // Links the user's other identified id (user_<n> for an email user, the email otherwise), as
  // a backend does when it learns both.
  void Alias(JsonWriter& json, const User& user);
  void SetProfile(JsonWriter& json, const User& user);

  SampleEventOptions options_;
  Rng rng_;
  uint64_t salt_;  // seed-derived key for every per-user hash
  uint64_t users_;
  uint64_t user_stride_;  // rank -> user number bijection: (rank * stride) mod users
  uint64_t produced_ = 0;
  double remaining_ = 1.0;  // 1 - the last order statistic, as a fraction of [start, end)
  Micros last_inserted_at_;
  std::vector<std::string> chains_;  // kTargets x kAncestors, built once
  std::string url_, scratch_, escaped_, json_buffer_;
};

}  // namespace bx
