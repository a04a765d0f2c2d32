#pragma once
// The data dir holds the state (bucket names, endpoints, key ids), the secret key and the API
// token: only its owner may read it.

#include <filesystem>
#include <string>

namespace bx {

// Creates `dir` (and missing parents) with mode 0700 for the directories it creates; an existing
// directory keeps its mode. Throws InvalidArgument(flag, ...) when it cannot.
void CreatePrivateDirectory(const std::filesystem::path& dir, const std::string& flag);

// Creates `file` empty with mode 0600 unless it exists, so that a library opening it afterwards
// (SQLite, whose -wal and -shm files copy the database's mode) keeps it private.
void CreatePrivateFile(const std::filesystem::path& file);

// True when group or others may read, write or enter `path`.
bool ReadableByOthers(const std::filesystem::path& path);

}  // namespace bx
