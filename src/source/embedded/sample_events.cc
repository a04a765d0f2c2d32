#include "source/embedded/sample_events.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/strings.h"
#include "source/embedded/sample_generator_impl.h"

namespace bx {

SampleEventGenerator::SampleEventGenerator(const SampleEventOptions& options)
    : impl_(std::make_unique<Impl>(options)) {}
SampleEventGenerator::~SampleEventGenerator() = default;
SampleEventGenerator::SampleEventGenerator(SampleEventGenerator&&) noexcept = default;
SampleEventGenerator& SampleEventGenerator::operator=(SampleEventGenerator&&) noexcept = default;

bool SampleEventGenerator::Next(EventRow& row) { return impl_->Next(row); }

SampleEventGenerator::Impl::Impl(const SampleEventOptions& options)
    : options_(options),
      rng_(options.seed),
      salt_(Hash(options.seed, 0x5eed)),
      users_(std::max<uint64_t>(10, options.count / 20)),
      last_inserted_at_(options.start) {
  if (options.end <= options.start) {
    throw InvalidArgument("--end", "must be after --start (" + FormatIso(options.start) + ")");
  }
  user_stride_ = 2654435761ULL % users_;
  while (std::gcd(user_stride_, users_) != 1) ++user_stride_;
  for (const Target& target : kTargets) {
    for (std::string_view ancestors : kAncestors) {
      chains_.push_back(std::string(target.element) + ";" + std::string(ancestors));
    }
  }
  url_.reserve(256);
  scratch_.reserve(256);
  escaped_.reserve(256);
  json_buffer_.resize(4096);
}

bool SampleEventGenerator::Impl::Next(EventRow& row) {
  if (produced_ >= options_.count) return false;
  row.inserted_at = NextInsertedAt();
  ++produced_;
  row.created_at = row.inserted_at;
  row.timestamp = row.inserted_at - ClientDelay();
  row.team_id = options_.team_id;
  AssignUuidV7(row.inserted_at / kMillisecond, rng_.Next(), rng_.Next(), row.uuid);

  User user;
  LoadUser(PickUserRank(), user);
  const EventType& type = rng_.PickWeighted(kEventTypes);
  const Kind kind = type.kind;
  // $identify and server-side events always carry the known id. In the browser, users who
  // identified use it for most events; others (and stray devices) stay anonymous.
  const bool known_id = kind == Kind::kIdentify || kind == Kind::kPurchase ||
                        kind == Kind::kSignup || kind == Kind::kAlias;
  const bool anonymous = !known_id && (!user.identified || rng_.Chance(0.15));
  if (anonymous) {
    row.distinct_id.assign(user.anon_id, sizeof user.anon_id);
  } else {
    AssignIdentifiedId(user, row.distinct_id);
  }
  // As an SDK sends it: the person is the store's to work out (PersonWriter).
  row.person_id.clear();
  row.person_properties.clear();
  row.event.assign(type.name);
  Properties(kind, user, row);
  return true;
}

void SampleEventGenerator::Impl::Properties(Kind kind, const User& user, EventRow& row) {
  row.elements_chain.clear();
  JsonWriter json(json_buffer_, escaped_);
  json.Begin();
  const Micros at = row.timestamp;
  switch (kind) {
    case Kind::kPageview:
      Pageview(json, user, at);
      break;
    case Kind::kAutocapture:
      Autocapture(json, user, at, row);
      break;
    case Kind::kPageleave:
      Pageleave(json, user, at);
      break;
    case Kind::kButtonClicked:
      ButtonClicked(json, user, at);
      break;
    case Kind::kFeatureFlagCalled:
      FeatureFlagCalled(json, user, at);
      break;
    case Kind::kIdentify:
      Identify(json, user, at);
      break;
    case Kind::kPurchase:
      Purchase(json, user);
      break;
    case Kind::kSignup:
      Signup(json, user, at);
      break;
    case Kind::kAlias:
      Alias(json, user);
      break;
  }
  json.End();
  json.CopyTo(row.properties);
}

// Sorted uniforms, streamed: the minimum of k uniforms on [0, 1) is 1 - U^(1/k), so each next
// order statistic shrinks the remaining gap to 1 by a factor U^(1/k), k = rows still to come.
Micros SampleEventGenerator::Impl::NextInsertedAt() {
  const double k = static_cast<double>(options_.count - produced_);
  remaining_ *= std::pow(rng_.UniformNonZero(), 1.0 / k);
  const double span = static_cast<double>(options_.end - options_.start);
  Micros t = options_.start + static_cast<Micros>((1.0 - remaining_) * span);
  t = std::clamp(t, last_inserted_at_, options_.end - 1);
  last_inserted_at_ = t;
  return t;
}

// Capture-to-ingestion delay: mostly milliseconds to seconds, sometimes tens of seconds,
// rarely minutes (a phone coming back online flushes its queue).
Micros SampleEventGenerator::Impl::ClientDelay() {
  const double u = rng_.Uniform();
  double micros;
  if (u < 0.80) {
    micros = rng_.LogUniform(5e3, 3e6);
  } else if (u < 0.97) {
    micros = rng_.LogUniform(3e6, 30e6);
  } else {
    micros = rng_.LogUniform(60e6, 900e6);
  }
  return static_cast<Micros>(micros);
}

// Activity is skewed: rank r has density ∝ r^(-1/2), so the first ranks are very active and
// most users appear a handful of times.
uint64_t SampleEventGenerator::Impl::PickUserRank() {
  const double u = rng_.Uniform();
  return std::min(users_ - 1, static_cast<uint64_t>(u * u * static_cast<double>(users_)));
}

void SampleEventGenerator::Impl::LoadUser(uint64_t rank, User& user) const {
  // Multiplication by a unit mod users_ permutes the ranks, so numbers are unique but the most
  // active user is not simply the first one.
  user.number = 10001 + (rank % users_) * user_stride_ % users_;
  user.key = Hash(salt_, user.number);
  Rng r(user.key);
  user.identified = r.Chance(0.6);
  user.uses_email = r.Chance(0.6);
  user.first = &r.Pick(kFirstNames);
  user.last = &r.Pick(kLastNames);
  user.email_domain = r.Pick(kEmailDomains);
  user.plan = r.PickWeighted(kPlans).name;
  user.lib_version = r.Pick(kWebLibVersions);
  user.device = &r.PickWeighted(kDevices);
  user.browser_version =
      static_cast<int>(r.Between(user.device->browser_major_lo, user.device->browser_major_hi));
  user.geo = &r.Pick(kGeos);
  user.initial_referrer = &r.PickWeighted(kReferrers);
  user.initial_utm = r.Chance(0.3) ? &r.Pick(kUtms) : nullptr;
  user.first_seen =
      options_.start - static_cast<Micros>(r.Below(400)) * kDay -
      static_cast<Micros>(r.Below(static_cast<uint32_t>(kDay / kMillisecond))) * kMillisecond;
  WriteUuidV7(user.first_seen / kMillisecond, r.Next(), r.Next(), user.anon_id);
}

void SampleEventGenerator::Impl::AssignIdentifiedId(const User& user, std::string& out) const {
  out.clear();
  if (user.uses_email) {
    AppendEmail(user, out);
  } else {
    out.append("user_");
    AppendNumber(user.number, out);
  }
}

void SampleEventGenerator::Impl::AppendEmail(const User& user, std::string& out) const {
  out.append(user.first->slug);
  out.push_back('.');
  out.append(user.last->slug);
  AppendNumber(user.number, out);
  out.push_back('@');
  out.append(user.email_domain);
}

void SampleEventGenerator::Impl::AppendFullName(const User& user, std::string& out) const {
  out.append(user.first->display);
  out.push_back(' ');
  out.append(user.last->display);
}

void SampleEventGenerator::Impl::BuildUrl(const Page& page, const Utm* utm) {
  url_.assign("https://");
  url_.append(page.host);
  url_.append(page.path);
  if (utm == nullptr) return;
  url_.append("?utm_source=");
  url_.append(utm->source);
  url_.append("&utm_medium=");
  url_.append(utm->medium);
  url_.append("&utm_campaign=");
  url_.append(utm->campaign);
}

// What posthog-js attaches to every browser event. Expects BuildUrl(page) to have run.
void SampleEventGenerator::Impl::WebCommon(JsonWriter& json, const User& user, const Page& page,
                                           const Referrer& referrer, Micros at) {
  const Device& device = *user.device;
  json.Raw("$os", device.os);
  if (!device.os_version.empty()) json.Raw("$os_version", device.os_version);
  json.Raw("$browser", device.browser);
  json.Int("$browser_version", user.browser_version);
  json.Raw("$device_type", device.device_type);
  json.Str("$current_url", url_);
  json.Raw("$host", page.host);
  json.Raw("$pathname", page.path);
  json.Int("$screen_height", device.screen_height);
  json.Int("$screen_width", device.screen_width);
  json.Int("$viewport_height", ViewportHeight(user));
  json.Raw("$lib", "web");
  json.Raw("$lib_version", user.lib_version);
  json.Raw("$referrer", referrer.url);
  json.Raw("$referring_domain", referrer.domain);
  SessionIds(json, user, at);
}

// A session is the user's current 30-minute slot; the window id follows it.
void SampleEventGenerator::Impl::SessionIds(JsonWriter& json, const User& user, Micros at) {
  const Micros offset = static_cast<Micros>(user.key % kSessionLength);
  const Micros slot = (at + offset) / kSessionLength;
  const Micros session_start = slot * kSessionLength - offset;
  const uint64_t h = Hash(user.key, static_cast<uint64_t>(slot));
  char id[36];
  WriteUuidV7(session_start / kMillisecond, h, Hash(h, 1), id);
  json.Raw("$session_id", std::string_view(id, sizeof id));
  WriteUuidV7(session_start / kMillisecond + 7, Hash(h, 2), Hash(h, 3), id);
  json.Raw("$window_id", std::string_view(id, sizeof id));
}

}  // namespace bx
