// The API's JSON for each resource (declared in batch_export_service.h).
#include "base/time.h"
#include "core/secret_fields.h"
#include "service/batch_export_service.h"

namespace bx {
namespace {

nlohmann::json OptionalTime(const std::optional<Micros>& t) {
  return t ? nlohmann::json(FormatIso(*t)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json ToJson(const ExportRecord& r) {
  nlohmann::json out = RedactSecrets(r.config);
  out["id"] = r.id;
  out["paused"] = r.definition.paused;
  out["model"] = out.value("model", "events");
  out["timezone"] = r.definition.timezone;
  out["interval_offset"] = r.definition.interval_offset;
  if (!out.contains("start_at")) out["start_at"] = nullptr;
  if (!out.contains("end_at")) out["end_at"] = nullptr;
  out["created_at"] = FormatIso(r.created_at);
  out["last_updated_at"] = FormatIso(r.last_updated_at);
  out["last_paused_at"] = OptionalTime(r.last_paused_at);
  return out;
}

nlohmann::json ToJson(const RunRecord& r) {
  return {
      {"id", r.id},
      {"batch_export_id", r.export_id},
      {"backfill_id", r.backfill_id ? nlohmann::json(*r.backfill_id) : nlohmann::json(nullptr)},
      {"status", RunStatusName(r.status)},
      {"data_interval_start", FormatIso(r.interval.start)},
      {"data_interval_end", FormatIso(r.interval.end)},
      {"records_completed", r.records_completed},
      {"bytes_exported", r.bytes_exported},
      {"attempts", r.attempts},
      {"latest_error",
       r.latest_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.latest_error)},
      {"created_at", FormatIso(r.created_at)},
      {"started_at", OptionalTime(r.started_at)},
      {"finished_at", OptionalTime(r.finished_at)},
      {"next_attempt_at", OptionalTime(r.next_attempt_at)},
      {"last_attempt_seconds", r.last_attempt_seconds},
  };
}

nlohmann::json ToJson(const BackfillRecord& r) {
  return {
      {"id", r.id},
      {"batch_export_id", r.export_id},
      {"start_at", FormatIso(r.start_at)},
      {"end_at", FormatIso(r.end_at)},
      {"status", BackfillStatusName(r.status)},
      {"total_runs", r.total_runs},
      {"finished_runs", r.finished_runs},
      {"progress", std::to_string(r.finished_runs) + "/" + std::to_string(r.total_runs)},
      {"created_at", FormatIso(r.created_at)},
      {"finished_at", OptionalTime(r.finished_at)},
  };
}

nlohmann::json ToJson(const LogLine& l) {
  return {{"timestamp", FormatIso(l.at)}, {"level", l.level}, {"message", l.message}};
}

nlohmann::json ToJson(const ExportLogLine& l) {
  nlohmann::json out = ToJson(l.line);
  out["run_id"] = l.run_id;
  out["instance_id"] = l.run_id;  // the reference product's name for it
  return out;
}

}  // namespace bx
