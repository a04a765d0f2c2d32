#pragma once
// The REST API under /api/batch_exports: matches a path to a BatchExportService call and maps
// JSON in and out. Authentication happens before (server/auth.h); errors become
// {"type", "detail", "attr"} bodies (server/api_error.h).

#include <cstdint>
#include <functional>
#include <string>

#include "server/api_request.h"
#include "service/batch_export_service.h"

namespace bx {

// Deletes a person of the embedded store: false when the team has no such live person.
using DeletePersonFn = std::function<bool(int64_t team_id, const std::string& person_id)>;

class ApiRouter {
 public:
  // Without `delete_person` (no embedded store), the persons path answers 404 saying why.
  explicit ApiRouter(BatchExportService& service, DeletePersonFn delete_person = nullptr)
      : service_(service), delete_person_(std::move(delete_person)) {}

  // Never throws: every failure becomes an error response.
  ApiResponse Handle(const ApiRequest& request);

 private:
  ApiResponse Dispatch(const ApiRequest& request);
  // DELETE /api/projects/{team_id}/persons/{person_id}
  ApiResponse DeletePerson(const ApiRequest& request, int64_t team, const std::string& person_id);

  BatchExportService& service_;
  DeletePersonFn delete_person_;
};

}  // namespace bx
