#pragma once
// /flags and /decide: this server evaluates no feature flags, so it answers "no flags" in the
// shape the calling SDK version reads, instead of a 404 that SDKs report as an error:
//   /decide without v or v=1: {"featureFlags": []} (v1 listed the enabled flags' keys);
//   /decide v=2 and later, /flags: {"featureFlags": {}, "featureFlagPayloads": {}, "flags": {}}
//     (v2-v3 read featureFlags and featureFlagPayloads, v4 and /flags read flags; one superset
//     answers them all);
// each with "errorsWhileComputingFlags": false and a "requestId". /decide, and /flags with
// config=true, add the remote configuration browser SDKs read, with everything optional off
// (no session recording, no surveys, no site apps) and the compressions capture accepts.

#include <string>
#include <string_view>

namespace bx {

// `version` is the `v` query parameter ("" when absent), `config` whether `config=true` was
// given; `request_id` goes into "requestId".
std::string NoFlagsBody(bool decide, std::string_view version, bool config,
                        const std::string& request_id);

}  // namespace bx
