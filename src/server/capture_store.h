#pragma once
// The capture endpoint's side of the embedded store: one connection and writer shared by every
// request thread, one transaction per request (a request's events, and the person changes they
// make, land together or not at all).

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

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

 private:
  void Open();
  void Reset();

  std::filesystem::path path_;
  std::mutex mu_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<EventWriter> writer_;
  std::unique_ptr<PersonWriter> persons_;
};

}  // namespace bx
