#pragma once
// Where an export's files land, to refuse a second export that would write (and so delete and
// replace) the same keys: the service compares every export's location with the others'.

#include <string>

namespace bx {

struct WriteLocation {
  // The key space: "file:/data/out" (the directory, resolved), "s3:aws/bucket",
  // "s3:http://host:9000/bucket". Keys are `space` + "/" + key.
  std::string space;
  std::string prefix_template;
  std::string shown;  // for messages: "/data/out/events/{year}", "s3://bucket/events"
};

// True when some rendering of one location's prefix and some rendering of the other's name the
// same directory of the same key space, so their interval files could replace or delete each
// other's. Conservative: a template with variables may produce anything after its literal
// start, so two templates whose literal starts are prefixes of one another overlap
// ("events/{year}" and "events/{table}", "ev{year}" and "events"), whatever the format,
// interval or model.
bool MayOverlap(const WriteLocation& a, const WriteLocation& b);

}  // namespace bx
