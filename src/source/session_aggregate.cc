#include "source/session_aggregate.h"

#include <algorithm>

namespace bx {
namespace {

constexpr Micros kBounceSeconds = 10;

// Events come in timestamp order: the first one with a value sets an entry field, the last one
// with a value an end field.
void Last(std::optional<std::string>& field, std::string_view value) {
  if (!value.empty()) field = std::string(value);
}
void First(std::optional<std::string>& field, std::string_view value) {
  if (!field) Last(field, value);
}

}  // namespace

void SessionAggregate::Begin(const SessionEvent& first) {
  *this = SessionAggregate();
  team_id_ = first.team_id;
  id_ = first.session_id;
  distinct_id_ = first.distinct_id;
  start_ = first.timestamp;
  Add(first);
}

void SessionAggregate::Add(const SessionEvent& e) {
  end_ = e.timestamp;
  inserted_at_ = std::max(inserted_at_, e.inserted_at);
  if (e.event == "$pageview") ++pageviews_;
  if (e.event == "$autocapture") ++autocaptures_;
  First(entry_url_, e.current_url);
  First(entry_pathname_, e.pathname);
  Last(end_url_, e.current_url);
  Last(end_pathname_, e.pathname);
  First(utm_source_, e.utm_source);
  First(utm_campaign_, e.utm_campaign);
  First(utm_medium_, e.utm_medium);
  First(referring_domain_, e.referring_domain);
}

void SessionAggregate::AppendTo(RecordBatch& batch) const {
  size_t c = 0;
  auto text = [&](const std::optional<std::string>& value) {
    Column& column = batch.column(c++);
    value ? column.AppendString(*value) : column.AppendNull();
  };
  auto number = [&](int64_t value) { batch.column(c++).AppendInt(value); };
  const int64_t duration = (end_ - start_) / kMicrosPerSecond;
  text(id_);
  number(team_id_);
  text(distinct_id_);
  number(start_);
  number(end_);
  number(duration);
  number(pageviews_);
  number(autocaptures_);
  text(entry_url_);
  text(entry_pathname_);
  text(end_url_);
  text(end_pathname_);
  text(utm_source_);
  text(utm_campaign_);
  text(utm_medium_);
  text(referring_domain_);
  batch.column(c++).AppendBool(pageviews_ <= 1 && autocaptures_ == 0 && duration < kBounceSeconds);
  number(inserted_at_);
}

}  // namespace bx
