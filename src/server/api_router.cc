#include "server/api_router.h"

#include <charconv>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/log.h"
#include "base/strings.h"
#include "core/json_parse.h"
#include "server/api_error.h"
#include "server/capture_parser.h"
#include "server/pagination.h"
#include "server/reference_fields.h"

namespace bx {
namespace {

using nlohmann::json;

std::vector<std::string> PathSegments(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    const size_t slash = path.find('/', pos);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > pos) out.emplace_back(path.substr(pos, end - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return out;
}

ApiResponse Json(int status, const json& body) {
  // Replace rather than throw on invalid UTF-8 that came in through a name or a log line.
  return {status, body.dump(-1, ' ', false, json::error_handler_t::replace), ""};
}

ApiResponse ErrorResponse(const HttpError& e) { return {e.status, ErrorBody(e), ""}; }

// The request body as a JSON object; an empty body is {} when `empty_ok`.
json BodyObject(const ApiRequest& request, bool empty_ok) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    if (empty_ok) return json::object();
    throw InvalidArgument("", "the request body is empty; send a JSON object");
  }
  std::optional<json> body = ParseUntrustedJson(request.body, "", "the request body");
  if (!body) throw InvalidArgument("", "the request body is not valid JSON");
  if (!body->is_object()) throw InvalidArgument("", "the request body must be a JSON object");
  return std::move(*body);
}

bool BackfillFlag(const json& body) {
  const auto it = body.find("backfill");
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean()) throw InvalidArgument("backfill", "must be true or false");
  return it->get<bool>();
}

std::optional<RunStatus> StatusFilter(const ApiRequest& request) {
  const auto it = request.query.find("status");
  if (it == request.query.end() || it->second.empty()) return std::nullopt;
  auto status = ParseRunStatus(it->second);
  if (!status) {
    throw InvalidArgument("status", "'" + it->second +
                                        "' is not a run status; use Starting, Running, Completed, "
                                        "Failed, FailedRetryable or Cancelled");
  }
  return status;
}

// The team of /api/projects/{team_id}/... and /api/environments/{team_id}/...
int64_t TeamId(const std::string& segment) {
  int64_t team = 0;
  const auto [end, ec] = std::from_chars(segment.data(), segment.data() + segment.size(), team);
  if (ec != std::errc() || end != segment.data() + segment.size() || team < 0) {
    throw NotFoundError("'" + segment + "' is not a team id: use the project's number, as in " +
                        "/api/projects/1/batch_exports/");
  }
  return team;
}

// An export's JSON, with the warnings about the fields that were accepted and ignored.
json WithWarnings(json record, const std::vector<std::string>& warnings) {
  if (!warnings.empty()) record["warnings"] = warnings;
  return record;
}

// A path the API knows, with the methods it allows.
[[noreturn]] void NotAllowed(const std::string& method, const std::string& allow) {
  throw MethodNotAllowedError(method + " is not allowed here; use " + allow);
}

}  // namespace

ApiResponse ApiRouter::Handle(const ApiRequest& request) {
  try {
    return Dispatch(request);
  } catch (const Error& e) {
    HttpError http = ToHttpError(e);
    ApiResponse response = ErrorResponse(http);
    if (http.status == 405) {
      const size_t use = e.message().rfind("use ");
      response.allow = use == std::string::npos ? "" : e.message().substr(use + 4);
    }
    if (http.status >= 500) {
      spdlog::error("{} {}: {}", request.method, request.path, e.Describe());
    }
    return response;
  } catch (const std::exception& e) {
    spdlog::error("{} {}: InternalError: {}", request.method, request.path, e.what());
    return ErrorResponse({500, "InternalError", e.what(), std::nullopt});
  }
}

ApiResponse ApiRouter::Dispatch(const ApiRequest& request) {
  std::vector<std::string> seg = PathSegments(request.path);
  const std::string& method = request.method;
  // The reference product's paths: /api/projects/{team_id}/batch_exports/... and
  // /api/environments/{team_id}/batch_exports/..., ours scoped to the team.
  std::optional<int64_t> team;
  const bool team_path =
      seg.size() >= 4 && seg[0] == "api" && (seg[1] == "projects" || seg[1] == "environments");
  if (team_path && seg.size() == 5 && seg[3] == "persons") {
    return DeletePerson(request, TeamId(seg[2]), seg[4]);
  }
  if (team_path && seg[3] == "batch_exports") {
    team = TeamId(seg[2]);
    seg.erase(seg.begin() + 1, seg.begin() + 3);
  }
  if (seg.size() == 2 && seg[0] == "api" && seg[1] == "batch_export_destination_types") {
    if (method != "GET") NotAllowed(method, "GET");
    return Json(200, service_.DestinationTypes());
  }
  if (seg.size() < 2 || seg[0] != "api" || seg[1] != "batch_exports") {
    throw NotFoundError("no API endpoint at " + request.path);
  }
  const size_t n = seg.size();

  if (n == 2) {  // /api/batch_exports
    if (method == "GET") {
      ListOptions options = ParseListOptions(request);
      options.offset = ParseOffset(request);
      options.team_id = team;
      return Json(200, PageJson(request, service_.ListExports(options)));
    }
    if (method == "POST") {
      json body = BodyObject(request, false);
      const auto warnings = AcceptReferenceFields(body, {team, false, nullptr});
      return Json(201, WithWarnings(ToJson(service_.CreateExport(body)), warnings));
    }
    NotAllowed(method, "GET, POST");
  }
  const std::string& id = seg[2];
  // Another team's export is not there for this team.
  std::optional<ExportRecord> scoped;
  if (team) {
    scoped = service_.GetExport(id);
    if (scoped->definition.team_id != team) throw NotFoundError("export " + id + " not found");
  }
  if (n == 3) {  // /api/batch_exports/{id}
    if (method == "GET") return Json(200, ToJson(scoped ? *scoped : service_.GetExport(id)));
    if (method == "PATCH") {
      json body = BodyObject(request, false);
      const auto current_interval = [&] {
        return std::string(
            IntervalKindName((scoped ? *scoped : service_.GetExport(id)).definition.interval));
      };
      const auto warnings = AcceptReferenceFields(body, {team, true, current_interval});
      return Json(200, WithWarnings(ToJson(service_.UpdateExport(id, body)), warnings));
    }
    if (method == "DELETE") {
      service_.DeleteExport(id);
      return {204, "", ""};
    }
    NotAllowed(method, "GET, PATCH, DELETE");
  }
  const std::string& sub = seg[3];
  if (n == 4 && sub == "logs") {  // the log lines of all the export's runs, newest first
    if (method != "GET") NotAllowed(method, "GET");
    return Json(200, PageJson(request, service_.ExportLogs(id, ParseListOptions(request))));
  }
  if (n == 4 && (sub == "pause" || sub == "unpause" || sub == "check")) {
    if (method != "POST") NotAllowed(method, "POST");
    if (sub == "pause") return Json(200, ToJson(service_.PauseExport(id)));
    if (sub == "unpause") {
      const bool backfill = BackfillFlag(BodyObject(request, true));
      return Json(200, ToJson(service_.UnpauseExport(id, backfill)));
    }
    try {
      service_.CheckExport(id);
    } catch (const Error& e) {
      // The destination refused (bad credentials, missing bucket, unreachable): the request was
      // fine, the export's configuration is not.
      const bool destination_failed =
          (e.kind() == ErrorKind::kNonRetryable || e.kind() == ErrorKind::kRetryable) &&
          e.type() != "NotFound" && e.type() != "Conflict" && e.type() != "TooManyRequests";
      if (!destination_failed) throw;
      return ErrorResponse({422, e.type(), e.message(), std::nullopt});
    }
    return Json(200, {{"status", "ok"}});
  }
  if (sub == "runs") {
    if (n == 4) {
      if (method != "GET") NotAllowed(method, "GET");
      return Json(200, PageJson(request, service_.ListRuns(id, StatusFilter(request),
                                                           ParseListOptions(request))));
    }
    const std::string& run_id = seg[4];
    if (n == 5) {
      if (method != "GET") NotAllowed(method, "GET");
      return Json(200, ToJson(service_.GetRun(id, run_id)));
    }
    if (n == 6 && seg[5] == "retry") {
      if (method != "POST") NotAllowed(method, "POST");
      return Json(200, ToJson(service_.RetryRun(id, run_id)));
    }
    if (n == 6 && seg[5] == "logs") {
      if (method != "GET") NotAllowed(method, "GET");
      return Json(200, PageJson(request, service_.RunLogs(id, run_id, ParseListOptions(request))));
    }
  }
  if (sub == "backfills") {
    if (n == 4) {
      if (method == "GET") {
        return Json(200, PageJson(request, service_.ListBackfills(id, ParseListOptions(request))));
      }
      if (method == "POST") {
        return Json(201, ToJson(service_.CreateBackfill(id, BodyObject(request, false))));
      }
      NotAllowed(method, "GET, POST");
    }
    const std::string& backfill_id = seg[4];
    if (n == 5) {
      if (method != "GET") NotAllowed(method, "GET");
      return Json(200, ToJson(service_.GetBackfill(id, backfill_id)));
    }
    if (n == 6 && seg[5] == "cancel") {
      if (method != "POST") NotAllowed(method, "POST");
      return Json(200, ToJson(service_.CancelBackfill(id, backfill_id)));
    }
  }
  throw NotFoundError("no API endpoint at " + request.path);
}

ApiResponse ApiRouter::DeletePerson(const ApiRequest& request, int64_t team,
                                    const std::string& person_id) {
  if (request.method != "DELETE") NotAllowed(request.method, "DELETE");
  if (!delete_person_) {
    throw NotFoundError(
        "persons are kept by the embedded store, and this server's --source is not one");
  }
  if (!IsUuid(person_id)) {
    throw InvalidArgument("person_id", "'" + PrintableText(person_id, 64) +
                                           "' is not a person id (a UUID, as in the events' "
                                           "person_id)");
  }
  if (!delete_person_(team, person_id)) {
    throw NotFoundError("person " + person_id + " not found in team " + std::to_string(team) +
                        " (or already deleted)");
  }
  return {204, "", ""};
}

}  // namespace bx
