// The properties of each generated event type: what a browser or server SDK would send.
#include <algorithm>
#include <string>

#include "base/strings.h"
#include "source/embedded/sample_generator_impl.h"

namespace bx {

void SampleEventGenerator::Impl::Pageview(JsonWriter& json, const User& user, Micros at) {
  const Page& page = rng_.PickWeighted(kPages);
  const Utm* utm = rng_.Chance(0.2) ? &rng_.Pick(kUtms) : nullptr;
  BuildUrl(page, utm);
  WebCommon(json, user, page, rng_.PickWeighted(kReferrers), at);
  json.Raw("title", page.title);
  if (utm != nullptr) {
    json.Raw("utm_source", utm->source);
    json.Raw("utm_medium", utm->medium);
    json.Raw("utm_campaign", utm->campaign);
  }
}

void SampleEventGenerator::Impl::Autocapture(JsonWriter& json, const User& user, Micros at,
                                             EventRow& row) {
  const Page& page = rng_.PickWeighted(kPages);
  BuildUrl(page, nullptr);
  WebCommon(json, user, page, rng_.PickWeighted(kReferrers), at);
  const size_t target = rng_.Below(std::size(kTargets));
  const size_t ancestors = rng_.Below(std::size(kAncestors));
  json.Raw("$event_type", kTargets[target].event_type);
  json.Int("$ce_version", 1);
  if (!kTargets[target].text.empty()) json.Raw("$el_text", kTargets[target].text);
  row.elements_chain.assign(chains_[target * std::size(kAncestors) + ancestors]);
}

void SampleEventGenerator::Impl::Pageleave(JsonWriter& json, const User& user, Micros at) {
  const Page& page = rng_.PickWeighted(kPages);
  BuildUrl(page, nullptr);
  WebCommon(json, user, page, rng_.PickWeighted(kReferrers), at);
  json.Int("$prev_pageview_duration", static_cast<int64_t>(rng_.LogUniform(1, 1800)));
  json.Int("$prev_pageview_max_scroll_percentage", rng_.Between(0, 100));
}

void SampleEventGenerator::Impl::ButtonClicked(JsonWriter& json, const User& user, Micros at) {
  const Page& page = rng_.PickWeighted(kPages);
  BuildUrl(page, nullptr);
  WebCommon(json, user, page, kReferrers[0], at);
  const Button& button = rng_.Pick(kButtons);
  json.Raw("button_name", button.name);
  json.Raw("location", button.location);
}

void SampleEventGenerator::Impl::FeatureFlagCalled(JsonWriter& json, const User& user, Micros at) {
  const Page& page = rng_.PickWeighted(kPages);
  BuildUrl(page, nullptr);
  WebCommon(json, user, page, kReferrers[0], at);
  const std::string_view flag = rng_.Pick(kFlags);
  json.Raw("$feature_flag", flag);
  scratch_.assign("$feature/");
  scratch_.append(flag);
  if (rng_.Chance(0.5)) {
    const bool enabled = rng_.Chance(0.7);
    json.Bool("$feature_flag_response", enabled);
    json.Bool(scratch_, enabled);
  } else {
    const std::string_view variant = rng_.Pick(kVariants);
    json.Raw("$feature_flag_response", variant);
    json.Raw(scratch_, variant);
  }
  json.BeginArray("$active_feature_flags");
  for (size_t i = user.key % 3; i < std::size(kFlags); i += 2) json.RawElement(kFlags[i]);
  json.EndArray();
}

void SampleEventGenerator::Impl::Identify(JsonWriter& json, const User& user, Micros at) {
  const Page& page = kPages[kLoginPage + user.key % 2];
  BuildUrl(page, nullptr);
  json.Raw("$os", user.device->os);
  json.Raw("$browser", user.device->browser);
  json.Raw("$device_type", user.device->device_type);
  json.Str("$current_url", url_);
  json.Raw("$lib", "web");
  json.Raw("$lib_version", user.lib_version);
  SessionIds(json, user, at);
  json.Raw("$anon_distinct_id", std::string_view(user.anon_id, sizeof user.anon_id));
  SetProfile(json, user);
  json.BeginObject("$set_once");
  json.Raw("$initial_referring_domain", user.initial_referrer->domain);
  json.Raw("$initial_os", user.device->os);
  json.End();
}

void SampleEventGenerator::Impl::Purchase(JsonWriter& json, const User& user) {
  json.Raw("$lib", "posthog-python");
  json.Raw("$lib_version", "3.3.2");
  scratch_.assign("ord_");
  AppendNumber(rng_.Next() % 10'000'000'000ULL, scratch_);
  json.Str("order_id", scratch_);
  const int items = static_cast<int>(rng_.Between(1, 3));
  std::array<const Product*, 3> chosen{};
  std::array<int, 3> quantities{};
  int64_t total = 0;
  int count = 0;
  for (int i = 0; i < items; ++i) {
    chosen[i] = &rng_.Pick(kProducts);
    quantities[i] = rng_.Chance(0.8) ? 1 : static_cast<int>(rng_.Between(2, 4));
    total += chosen[i]->cents * quantities[i];
    count += quantities[i];
  }
  json.Cents("price", total);
  json.Raw("currency", rng_.PickWeighted(kCurrencies).code);
  json.BeginArray("items");
  for (int i = 0; i < items; ++i) {
    json.BeginElementObject();
    json.Raw("sku", chosen[i]->sku);
    json.Raw("name", chosen[i]->name);
    json.Cents("price", chosen[i]->cents);
    json.Int("quantity", quantities[i]);
    json.End();
  }
  json.EndArray();
  json.BeginObject("cart");
  scratch_.assign("cart_");
  AppendNumber(rng_.Next() % 1'000'000'000ULL, scratch_);
  json.Str("id", scratch_);
  json.Int("item_count", count);
  if (rng_.Chance(0.2)) {
    json.Raw("coupon", rng_.Pick(kCoupons));
  } else {
    json.Null("coupon");
  }
  json.End();
  json.Raw("payment_method", rng_.Pick(kPaymentMethods));
  json.Raw("plan", user.plan);
}

void SampleEventGenerator::Impl::Signup(JsonWriter& json, const User& user, Micros at) {
  json.Raw("$lib", "posthog-node");
  json.Raw("$lib_version", "3.6.3");
  json.Raw("signup_method", rng_.Pick(kSignupMethods));
  json.Raw("referral_source", user.initial_referrer->domain);
  SetProfile(json, user);
  json.BeginObject("$set_once");
  char iso[kIsoMicrosLength];
  WriteIsoMicros(at, iso);
  json.Raw("signed_up_at", std::string_view(iso, sizeof iso));
  json.End();
}

void SampleEventGenerator::Impl::SetProfile(JsonWriter& json, const User& user) {
  json.BeginObject("$set");
  scratch_.clear();
  AppendEmail(user, scratch_);
  json.Str("email", scratch_);
  scratch_.clear();
  AppendFullName(user, scratch_);
  json.Str("name", scratch_);
  json.Raw("plan", user.plan);
  json.End();
}

void SampleEventGenerator::Impl::Alias(JsonWriter& json, const User& user) {
  json.Raw("$lib", "posthog-node");
  json.Raw("$lib_version", "3.6.3");
  scratch_.clear();
  if (user.uses_email) {
    scratch_.append("user_");
    AppendNumber(user.number, scratch_);
  } else {
    AppendEmail(user, scratch_);
  }
  json.Str("alias", scratch_);
}

}  // namespace bx
