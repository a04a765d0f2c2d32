#include "source/embedded/sample_loader.h"

#include "source/embedded/event_store.h"
#include "source/embedded/person_writer.h"

namespace bx {

uint64_t LoadSampleEvents(EventStore& store, const SampleEventOptions& options) {
  SampleEventGenerator generator(options);
  EventWriter writer(store);
  PersonWriter persons(store);
  EventRow row;
  uint64_t n = 0;
  while (generator.Next(row)) {
    writer.Begin();  // the person changes commit with the events
    persons.Apply(row);
    writer.Insert(row);
    ++n;
  }
  writer.Flush();
  return n;
}

}  // namespace bx
