#include "sink/postgres/copy_encoder.h"

#include "sink/postgres/copy_binary.h"
#include "sink/postgres/copy_text.h"

namespace bx {

std::unique_ptr<CopyEncoder> MakeCopyEncoder(const Schema& schema,
                                             const std::vector<CopyColumn>& columns) {
  if (CopyBinaryEncoder::Supports(schema, columns)) {
    return std::make_unique<CopyBinaryEncoder>(schema, columns);
  }
  return std::make_unique<CopyTextEncoder>(columns);
}

}  // namespace bx
