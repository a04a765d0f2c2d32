// The lz64 decompressor against vectors made by the npm lz-string package
// (tests/node/make_lz64_vectors.mjs), and against hostile input: bombs, truncation, garbage.

#include "server/lz_string.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "server/capture_decode.h"

namespace bx {
namespace {

using nlohmann::json;

json Vectors() {
  std::ifstream in(std::string(BX_SOURCE_DIR) + "/src/server/testdata/lz64_vectors.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::string ErrorType(std::string_view text, size_t limit) {
  try {
    DecompressLz64(text, limit);
    return "none";
  } catch (const Error& e) {
    return e.type();
  }
}

TEST(Lz64, DecodesWhatLzStringEncodes) {
  const json vectors = Vectors()["vectors"];
  ASSERT_GE(vectors.size(), 15u);
  for (const json& v : vectors) {
    const std::string expected = *DecodeBase64(v["utf8_base64"].get<std::string>());
    const std::string lz64 = v["lz64"];
    EXPECT_EQ(DecompressLz64(lz64, 1 << 20), expected) << lz64.substr(0, 80);
    // Form decoding turns '+' into ' ': still decoded.
    std::string spaced = lz64;
    for (char& c : spaced) c = c == '+' ? ' ' : c;
    EXPECT_EQ(DecompressLz64(spaced, 1 << 20), expected);
  }
}

TEST(Lz64, OutputIsBoundedExactly) {
  // 'x' * 5000 + 'y' * 5000: 10000 bytes of output from a few dozen characters.
  const json vectors = Vectors()["vectors"];
  for (const json& v : vectors) {
    const std::string expected = *DecodeBase64(v["utf8_base64"].get<std::string>());
    if (expected.size() != 10000) continue;
    EXPECT_EQ(DecompressLz64(v["lz64"].get<std::string>(), 10000).size(), 10000u);
    EXPECT_EQ(ErrorType(v["lz64"].get<std::string>(), 9999), "PayloadTooLarge");
    EXPECT_EQ(ErrorType(v["lz64"].get<std::string>(), 100), "PayloadTooLarge");
    return;
  }
  FAIL() << "no 10000-byte vector";
}

// A bomb: each code names the entry defined by the one before, so the output doubles about every
// code while the input grows by a few bits. Built here with the format's own rules.
std::string Bomb(int codes) {
  std::string bits;  // '0'/'1', least significant bit of each value first
  auto put = [&](uint64_t value, int n) {
    for (int i = 0; i < n; ++i) bits += ((value >> i) & 1) ? '1' : '0';
  };
  put(0, 2);
  put('a', 8);  // the first literal: entry 3
  int width = 3;
  uint64_t enlarge = 4, dict = 4;
  for (int i = 0; i < codes; ++i) {
    put(dict, width);  // "the entry being defined": previous output + its first unit
    ++dict;
    if (--enlarge == 0) enlarge = uint64_t{1} << width++;
  }
  put(2, width);
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bits.size(); i += 6) {
    int v = 0;
    for (size_t j = 0; j < 6; ++j) v = v * 2 + (i + j < bits.size() && bits[i + j] == '1');
    out += kAlphabet[v];
  }
  return out;
}

TEST(Lz64, BombStopsAtTheLimit) {
  // Output grows 2, 3, 4, ... units per code: 3000 codes give ~4.5 million bytes from ~6 KB.
  const std::string bomb = Bomb(3000);
  ASSERT_LT(bomb.size(), 8192u);
  EXPECT_EQ(ErrorType(bomb, 1 << 20), "PayloadTooLarge");
  const std::string small = DecompressLz64(Bomb(10), 1 << 20);
  EXPECT_EQ(small, std::string(small.size(), 'a'));
  EXPECT_EQ(small.size(), 1u + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11);
}

TEST(Lz64, HostileInputIsAnErrorNeverACrash) {
  EXPECT_EQ(ErrorType("", 100), "InvalidArgument");
  EXPECT_EQ(ErrorType("!!!!", 100), "InvalidArgument");  // not base64
  EXPECT_EQ(ErrorType("I\nZA", 100), "InvalidArgument");
  EXPECT_EQ(ErrorType("IZA\n", 100), "none");  // after the end code: never read
  // A stream that ends before its end code.
  const std::string valid = Vectors()["vectors"][5]["lz64"];
  for (size_t cut = 1; cut < valid.size(); cut += 3) {
    const std::string type = ErrorType(valid.substr(0, cut), 1 << 20);
    EXPECT_TRUE(type == "InvalidArgument" || type == "none") << cut << " " << type;
  }
  // Random text over the alphabet and random bit flips of a valid stream: any answer but a crash,
  // and never more than the limit.
  std::mt19937 rng(7);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
  for (int i = 0; i < 3000; ++i) {
    std::string text(1 + rng() % 200, 'A');
    for (char& c : text) c = alphabet[rng() % alphabet.size()];
    try {
      EXPECT_LE(DecompressLz64(text, 4096).size(), 4096u);
    } catch (const Error& e) {
      EXPECT_TRUE(e.type() == "InvalidArgument" || e.type() == "PayloadTooLarge") << e.type();
    }
    std::string flipped = valid;
    flipped[rng() % flipped.size()] = alphabet[rng() % 64];
    try {
      EXPECT_LE(DecompressLz64(flipped, 4096).size(), 4096u);
    } catch (const Error& e) {
      EXPECT_TRUE(e.type() == "InvalidArgument" || e.type() == "PayloadTooLarge") << e.type();
    }
  }
}

}  // namespace
}  // namespace bx
