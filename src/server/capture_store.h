#pragma once
// The capture endpoint's side of the embedded store: one connection and writer shared by every
// request thread, one transaction per request (a request's events, and the person changes they
// make, land together or not at all).

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "base/time.h"
#include "source/embedded/event_row.h"

namespace bx {

class EventStore;
class EventWriter;
class PersonWriter;

class CaptureStore {
 public:
  explicit CaptureStore(std::filesystem::path path);
  ~CaptureStore();

  // Maintains persons from `rows` (setting each row's person_id and person_properties), inserts
  // and commits them; throws bx::Error (SourceError, retryable when the store is busy).
  void Write(std::vector<EventRow>& rows);

  // Marks the person deleted as of `at` (PersonWriter::DeletePerson); false when the team has
  // no such live person. Throws bx::Error like Write.
  bool DeletePerson(int64_t team_id, const std::string& person_id, Micros at);

 private:
  void Open();
  void Reset();
  // Runs `work` in a transaction of its own: committed, or rolled back and the connection
  // reopened on the next call when it throws.
  template <typename Work>
  auto InTransaction(Work work);

  std::filesystem::path path_;
  std::mutex mu_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<EventWriter> writer_;
  std::unique_ptr<PersonWriter> persons_;
};

}  // namespace bx
