#include "core/schemas.h"

namespace bx {

std::optional<Model> ParseModel(std::string_view name) {
  if (name == "events") return Model::kEvents;
  if (name == "persons") return Model::kPersons;
  if (name == "sessions") return Model::kSessions;
  return std::nullopt;
}

std::string_view ModelName(Model m) {
  switch (m) {
    case Model::kEvents:
      return "events";
    case Model::kPersons:
      return "persons";
    case Model::kSessions:
      return "sessions";
  }
  return "events";
}

const Schema& FileSchema(Model m) {
  using T = ColumnType;
  static const Schema kEvents{"events",
                              {{"uuid", T::kString},
                               {"event", T::kString},
                               {"distinct_id", T::kString},
                               {"person_id", T::kString},
                               {"properties", T::kJson},
                               {"person_properties", T::kJson},
                               {"elements_chain", T::kString},
                               {"timestamp", T::kTimestamp},
                               {"created_at", T::kTimestamp},
                               {"_inserted_at", T::kTimestamp}}};
  static const Schema kPersons{"persons",
                               {{"team_id", T::kInt64},
                                {"distinct_id", T::kString},
                                {"person_id", T::kString},
                                {"properties", T::kJson},
                                {"person_distinct_id_version", T::kInt64},
                                {"person_version", T::kInt64},
                                {"created_at", T::kTimestamp},
                                {"_inserted_at", T::kTimestamp},
                                {"is_deleted", T::kBool}}};
  static const Schema kSessions{"sessions",
                                {{"session_id", T::kString},
                                 {"team_id", T::kInt64},
                                 {"distinct_id", T::kString},
                                 {"start_timestamp", T::kTimestamp},
                                 {"end_timestamp", T::kTimestamp},
                                 {"duration", T::kInt64},
                                 {"pageview_count", T::kInt64},
                                 {"autocapture_count", T::kInt64},
                                 {"entry_current_url", T::kString},
                                 {"entry_pathname", T::kString},
                                 {"end_current_url", T::kString},
                                 {"end_pathname", T::kString},
                                 {"entry_utm_source", T::kString},
                                 {"entry_utm_campaign", T::kString},
                                 {"entry_utm_medium", T::kString},
                                 {"entry_referring_domain", T::kString},
                                 {"is_bounce", T::kBool},
                                 {"_inserted_at", T::kTimestamp}}};
  switch (m) {
    case Model::kEvents:
      return kEvents;
    case Model::kPersons:
      return kPersons;
    case Model::kSessions:
      return kSessions;
  }
  return kEvents;
}

const ModelSpec& GetModelSpec(Model m) {
  auto spec = [](Model model, std::vector<std::string_view> dedup,
                 std::vector<std::string_view> key) {
    const Schema& schema = FileSchema(model);
    auto columns = [&](const std::vector<std::string_view>& names) {
      std::vector<size_t> out;
      for (std::string_view name : names) out.push_back(static_cast<size_t>(schema.IndexOf(name)));
      return out;
    };
    return ModelSpec{model, &schema, columns(dedup), columns(key)};
  };
  static const ModelSpec kEvents = spec(Model::kEvents, {"event", "distinct_id", "uuid"}, {"uuid"});
  static const ModelSpec kPersons = spec(
      Model::kPersons, {"team_id", "distinct_id", "person_distinct_id_version", "person_version"},
      {"team_id", "distinct_id"});
  static const ModelSpec kSessions =
      spec(Model::kSessions, {"team_id", "session_id", "_inserted_at"}, {"team_id", "session_id"});
  switch (m) {
    case Model::kPersons:
      return kPersons;
    case Model::kSessions:
      return kSessions;
    case Model::kEvents:
      break;
  }
  return kEvents;
}

}  // namespace bx
