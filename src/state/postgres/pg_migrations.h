#pragma once
// The PostgreSQL schema, versioned in code. Migrate() applies the pending migrations in one
// transaction under an advisory lock, so nodes starting at once migrate one after the other.

#include <span>

namespace bx::pg {

class Connection;

struct Migration {
  int version;
  const char* sql;
};

std::span<const Migration> StateMigrations();

// Returns the schema version afterwards. Throws bx::Error.
int Migrate(Connection& conn, std::span<const Migration> migrations);

// Advisory lock keys (per database) of this program.
constexpr long long kMigrationLockKey = 0x62780001;  // "bx" 1
constexpr long long kLeaderLockKey = 0x62780002;
constexpr long long kClaimLockKey = 0x62780003;

}  // namespace bx::pg
