#pragma once
// The REST API under /api/batch_exports: matches a path to a BatchExportService call and maps
// JSON in and out. Authentication happens before (server/auth.h); errors become
// {"type", "detail", "attr"} bodies (server/api_error.h).

#include "server/api_request.h"
#include "service/batch_export_service.h"

namespace bx {

class ApiRouter {
 public:
  explicit ApiRouter(BatchExportService& service) : service_(service) {}

  // Never throws: every failure becomes an error response.
  ApiResponse Handle(const ApiRequest& request);

 private:
  ApiResponse Dispatch(const ApiRequest& request);

  BatchExportService& service_;
};

}  // namespace bx
