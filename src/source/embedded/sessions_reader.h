#pragma once
// The sessions model from the embedded store's events. A session is the events of a team that
// share `properties.$session_id` (events without one belong to none). A session is exported in
// every interval in which events of it were ingested, aggregated over all its events ingested
// before the interval's end, so its latest row holds it all:
//   session_id, team_id      the session and its team
//   distinct_id              of its first event
//   start_timestamp, end_timestamp, duration
//                            its first and last event's timestamp; whole seconds between them
//   pageview_count, autocapture_count
//                            its `$pageview` and `$autocapture` events
//   entry_current_url, entry_pathname, end_current_url, end_pathname
//                            `$current_url` / `$pathname` of the first / last event having one
//   entry_utm_source, entry_utm_campaign, entry_utm_medium, entry_referring_domain
//                            `utm_source`, `utm_campaign`, `utm_medium`, `$referring_domain` of
//                            the first event having each
//   is_bounce                at most one pageview, no autocapture and under 10 seconds
//   _inserted_at             the latest ingestion time of its events
// Events are ordered by timestamp, then uuid. Downstream, the row with the latest
// `_inserted_at` per (team_id, session_id) replaces the others.

#include <filesystem>
#include <memory>

#include "source/source.h"

namespace bx {

std::unique_ptr<BatchReader> MakeSessionsReader(const std::filesystem::path& store,
                                                const ExportQuery& query);

}  // namespace bx
