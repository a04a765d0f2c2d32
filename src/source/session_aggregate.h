#pragma once
// A session row of the sessions model built from its events, which every source hands over in
// (timestamp, uuid) order; the sources differ only in how they find a session's events. What
// each column means is in source/embedded/sessions_reader.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"
#include "core/record_batch.h"

namespace bx {

// One event of a session. An empty property is one the event does not have.
struct SessionEvent {
  int64_t team_id = 0;
  std::string_view session_id, distinct_id, event;
  Micros timestamp = 0, inserted_at = 0;
  std::string_view current_url, pathname, utm_source, utm_campaign, utm_medium, referring_domain;
};

class SessionAggregate {
 public:
  // Starts a session with its first event.
  void Begin(const SessionEvent& first);
  // Adds its next event.
  void Add(const SessionEvent& event);
  bool Holds(int64_t team_id, std::string_view session_id) const {
    return team_id == team_id_ && session_id == id_;
  }
  // Appends the session's row (FileSchema(kSessions)).
  void AppendTo(RecordBatch& batch) const;

 private:
  int64_t team_id_ = 0;
  std::string id_, distinct_id_;
  Micros start_ = 0, end_ = 0, inserted_at_ = 0;
  int64_t pageviews_ = 0, autocaptures_ = 0;
  std::optional<std::string> entry_url_, entry_pathname_, end_url_, end_pathname_, utm_source_,
      utm_campaign_, utm_medium_, referring_domain_;
};

}  // namespace bx
