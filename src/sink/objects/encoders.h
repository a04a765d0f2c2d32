#pragma once
// The encoder of each file: the file format's encoder over the compression's sink.

#include "sink/objects/file_output.h"
#include "sink/objects/file_rotator.h"

namespace bx {

EncoderFactory MakeEncoderFactory(const FileOutput& output, const Schema& schema);

}  // namespace bx
