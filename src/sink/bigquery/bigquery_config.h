#pragma once
// The BigQuery destination's config: where the rows go and the service account that writes them
// (the fields of the account's JSON key, as Google hands it out; a whole pasted key is taken).
//   "project_id", "dataset_id", "table_id"
//   "private_key" (secret), "private_key_id", "client_email", "token_uri"
//   "use_json_type": JSON columns as BigQuery's JSON type (true) or STRING (false, the default)
//   "location": where jobs run ("US", "EU", "europe-west3"; the dataset's, unless set)
//   "api_base_url": the BigQuery API's root (https://bigquery.googleapis.com unless set: tests,
//                   private endpoints)
// plus the model's event filters (include_events, exclude_events).

#include <string>

#include <nlohmann/json.hpp>

#include "sink/config_description.h"

namespace bx {

struct BigQueryConfig {
  std::string project_id, dataset_id, table_id;
  std::string private_key, private_key_id, client_email, token_uri;
  bool use_json_type = false;
  std::string location;
  std::string api_base_url;  // no trailing '/'

  // "bigquery:project.dataset.table", for messages.
  std::string Where() const;
};

// Throws InvalidArgument naming the field ("destination.config.dataset_id"); never quotes the
// private key.
BigQueryConfig ParseBigQueryConfig(const nlohmann::json& config);

// The fields ParseBigQueryConfig reads.
DestinationDescription BigQueryDescription();

}  // namespace bx
