#pragma once
// A destination that keeps delivered rows in memory, registered as type "Memory" by the tests
// that show a new destination needs no edit outside its own folder and the registry.
//   "destination": {"type": "Memory", "config": {"name": "<delivery name>", "memory_password"?}}

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "sink/destination_registry.h"

namespace bx::testing {

// What the Memory destinations delivered, by config name, then by interval start: the rows,
// each as its values joined by '\t'. A rerun of an interval replaces its rows.
class MemoryDeliveries {
 public:
  static MemoryDeliveries& Get();
  void Commit(const std::string& name, Micros interval_start, std::vector<std::string> rows);
  std::map<Micros, std::vector<std::string>> Of(const std::string& name) const;
  size_t commits(const std::string& name) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<Micros, std::vector<std::string>>> rows_;
  std::map<std::string, size_t> commits_;
};

// Adds "Memory" to `registry` (idempotent).
void RegisterMemoryDestination(DestinationRegistry& registry);

}  // namespace bx::testing
