#pragma once
// The schema of the SQLite state store, versioned in code: each migration runs once, in order,
// inside a transaction, and is recorded in schema_migrations.

#include <span>

namespace bx::sqlite {

class Db;

struct Migration {
  int version;
  const char* sql;
};

std::span<const Migration> StateMigrations();
// Applies what is missing; returns the schema version.
int Migrate(Db& db, std::span<const Migration> migrations);

}  // namespace bx::sqlite
