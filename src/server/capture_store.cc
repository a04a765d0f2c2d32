#include "server/capture_store.h"

#include <sqlite3.h>

#include "base/error.h"
#include "source/embedded/event_store.h"

namespace bx {

CaptureStore::CaptureStore(std::filesystem::path path) : path_(std::move(path)) {
  std::lock_guard lock(mu_);
  Open();
}

CaptureStore::~CaptureStore() {
  std::lock_guard lock(mu_);
  writer_.reset();
  store_.reset();
}

void CaptureStore::Open() {
  store_ = std::make_unique<EventStore>(path_, EventStore::Mode::kShared);
  // Larger than any request, so the writer never commits half a request on its own.
  writer_ = std::make_unique<EventWriter>(*store_, SIZE_MAX);
}

void CaptureStore::Reset() {
  // Undo the failed request's open transaction before the writer's destructor would commit it.
  if (store_) sqlite3_exec(store_->db(), "ROLLBACK", nullptr, nullptr, nullptr);
  writer_.reset();
  store_.reset();
}

void CaptureStore::Write(const std::vector<EventRow>& rows) {
  if (rows.empty()) return;
  std::lock_guard lock(mu_);
  try {
    if (!writer_) Open();
    for (const EventRow& row : rows) writer_->Insert(row);
    writer_->Flush();
  } catch (const Error&) {
    Reset();  // the next request opens a fresh connection
    throw;
  }
}

}  // namespace bx
