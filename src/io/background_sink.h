#pragma once
// A ByteSink that hands its bytes to the next sink on a thread of its own, so that the code
// producing them (a JSON encoder) and the code consuming them (a compressor and what it writes
// to) run at the same time. Bytes are copied into chunks; a bounded number of chunks wait.
// Finish() and EstimatedSize() first wait until the next sink has taken every byte, so what they
// return depends only on the bytes appended, never on timing. An error of the next sink
// surfaces from the next Append(), Finish() or EstimatedSize() call.

#include <cstddef>
#include <memory>

#include "io/byte_sink.h"

namespace bx {

std::unique_ptr<ByteSink> MakeBackgroundSink(std::unique_ptr<ByteSink> inner,
                                             size_t chunk_bytes = 1 << 20, size_t max_chunks = 2);

}  // namespace bx
