// usage: bx_clickhouse_load <embedded store> <database>
// Creates <database> on the server of BX_CH_DIR (scripts/start-clickhouse) with the reference's
// tables and copies the store's events and persons into it; prints the source URL to export
// from. For bench/export-clickhouse.
#include <cstdio>

#include "base/error.h"
#include "source/clickhouse/clickhouse_config.h"
#include "testing/clickhouse_tables.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bx_clickhouse_load <embedded store> <database>\n");
    return 2;
  }
  try {
    const std::string url = bx::testing::CreateClickHouseDatabase(argv[2]);
    bx::ClickHouseClient client(bx::ParseClickHouseUrl(url));
    const size_t events = bx::testing::CopyStoreToClickHouse(argv[1], client);
    std::fprintf(stderr, "bx_clickhouse_load: %zu events into %s\n", events, argv[2]);
    std::printf("%s\n", url.c_str());
  } catch (const bx::Error& e) {
    std::fprintf(stderr, "bx_clickhouse_load: %s\n", e.Describe().c_str());
    return 1;
  }
  return 0;
}
