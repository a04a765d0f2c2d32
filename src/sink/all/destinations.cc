#include "sink/all/destinations.h"

#include "sink/bigquery/bigquery_destination.h"
#include "sink/file/file_destination.h"
#include "sink/postgres/postgres_destination.h"
#include "sink/redshift/redshift_destination.h"
#include "sink/s3/s3_destination.h"
#include "sink/snowflake/snowflake_destination.h"

namespace bx {

DestinationRegistry& Destinations() {
  static DestinationRegistry* registry = [] {
    auto* r = new DestinationRegistry();  // never destroyed: workers may outlive main's statics
    RegisterFileDestination(*r);
    RegisterS3Destinations(*r);  // S3, AwsS3 and S3Compatible
    RegisterPostgresDestination(*r);
    RegisterRedshiftDestination(*r);
    RegisterBigQueryDestination(*r);
    RegisterSnowflakeDestination(*r);
    return r;
  }();
  return *registry;
}

ExportDefinition ParseValidExport(const nlohmann::json& json) {
  ExportDefinition def = ParseExportDefinition(json);
  Destinations().Get(def.destination_type).validate(def.destination_config);
  return def;
}

std::optional<WriteLocation> WriteLocationOf(const ExportDefinition& def) {
  const DestinationType& type = Destinations().Get(def.destination_type);
  if (!type.location) return std::nullopt;
  return type.location(def.destination_config);
}

std::unique_ptr<Destination> MakeDestination(const ExportDefinition& def) {
  return Destinations().Get(def.destination_type).make(def.destination_config);
}

}  // namespace bx
