#pragma once
// Sample events into the embedded store the way capture ingests them: each event through the
// PersonWriter, so that the persons and the events' person fields follow from the $identify,
// $create_alias and $set events among them.

#include <cstdint>

#include "source/embedded/sample_events.h"

namespace bx {

class EventStore;

// Generates `options.count` events into `store`; returns how many were written.
uint64_t LoadSampleEvents(EventStore& store, const SampleEventOptions& options);

}  // namespace bx
