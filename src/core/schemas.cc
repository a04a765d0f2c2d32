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

const Schema& TableSchema(Model m) {
  using T = ColumnType;
  // The reference's warehouse events columns, and _inserted_at.
  static const Schema kEvents{"events",
                              {{"uuid", T::kString},
                               {"event", T::kString},
                               {"properties", T::kJson},
                               {"elements", T::kJson},
                               {"set", T::kJson},
                               {"set_once", T::kJson},
                               {"distinct_id", T::kString},
                               {"team_id", T::kInt64},
                               {"ip", T::kString},
                               {"site_url", T::kString},
                               {"timestamp", T::kTimestamp},
                               {"person_id", T::kString},
                               {"person_properties", T::kJson},
                               {"_inserted_at", T::kTimestamp}}};
  return m == Model::kEvents ? kEvents : FileSchema(m);
}

const Schema& ModelSchema(Model m, Layout layout) {
  return layout == Layout::kTables ? TableSchema(m) : FileSchema(m);
}

namespace {

ModelSpec Spec(Model model, Layout layout, const std::vector<std::string_view>& dedup,
               const std::vector<std::string_view>& key,
               const std::vector<std::string_view>& versions) {
  const Schema& schema = ModelSchema(model, layout);
  auto columns = [&](const std::vector<std::string_view>& names) {
    std::vector<size_t> out;
    for (std::string_view name : names) out.push_back(static_cast<size_t>(schema.IndexOf(name)));
    return out;
  };
  return ModelSpec{model, &schema, columns(dedup), columns(key), columns(versions)};
}

// In the order of enum Model.
std::vector<ModelSpec> Specs(Layout layout) {
  return {Spec(Model::kEvents, layout, {"event", "distinct_id", "uuid"}, {"uuid"}, {}),
          Spec(Model::kPersons, layout,
               {"team_id", "distinct_id", "person_distinct_id_version", "person_version"},
               {"team_id", "distinct_id"}, {"person_version", "person_distinct_id_version"}),
          Spec(Model::kSessions, layout, {"team_id", "session_id", "_inserted_at"},
               {"team_id", "session_id"}, {"end_timestamp", "_inserted_at"})};
}

}  // namespace

const ModelSpec& GetModelSpec(Model m, Layout layout) {
  static const std::vector<ModelSpec> kFiles = Specs(Layout::kFiles);
  static const std::vector<ModelSpec> kTables = Specs(Layout::kTables);
  return (layout == Layout::kTables ? kTables : kFiles)[static_cast<size_t>(m)];
}

}  // namespace bx
