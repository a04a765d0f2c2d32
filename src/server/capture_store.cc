#include "server/capture_store.h"

#include <sqlite3.h>

#include "base/error.h"
#include "source/embedded/event_store.h"
#include "source/embedded/person_writer.h"

namespace bx {

CaptureStore::CaptureStore(std::filesystem::path path) : path_(std::move(path)) {
  std::lock_guard lock(mu_);
  Open();
}

CaptureStore::~CaptureStore() {
  std::lock_guard lock(mu_);
  persons_.reset();
  writer_.reset();
  store_.reset();
}

void CaptureStore::Open() {
  store_ = std::make_unique<EventStore>(path_, EventStore::Mode::kShared);
  // Larger than any request, so the writer never commits half a request on its own.
  writer_ = std::make_unique<EventWriter>(*store_, SIZE_MAX);
  persons_ = std::make_unique<PersonWriter>(*store_);
}

void CaptureStore::Reset() {
  // Undo the failed request's open transaction before the writer's destructor would commit it.
  if (store_) sqlite3_exec(store_->db(), "ROLLBACK", nullptr, nullptr, nullptr);
  persons_.reset();
  writer_.reset();
  store_.reset();
}

template <typename Work>
auto CaptureStore::InTransaction(Work work) {
  std::lock_guard lock(mu_);
  try {
    if (!writer_) Open();
    writer_->Begin();
    persons_->Begin();
    auto result = work();
    writer_->Flush();
    return result;
  } catch (const Error&) {
    Reset();  // the next request opens a fresh connection
    throw;
  }
}

void CaptureStore::Write(std::vector<EventRow>& rows) {
  if (rows.empty()) return;
  InTransaction([&] {
    for (EventRow& row : rows) {
      persons_->Apply(row);
      writer_->Insert(row);
    }
    return true;
  });
}

bool CaptureStore::DeletePerson(int64_t team_id, const std::string& person_id, Micros at) {
  return InTransaction([&] { return persons_->DeletePerson(team_id, person_id, at); });
}

}  // namespace bx
