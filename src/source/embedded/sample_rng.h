#pragma once
// The sample generator's randomness: splitmix64 to seed and hash, xoshiro256** to draw. Both are
// fully specified, so output is identical across compilers and standard libraries (std::
// distributions are not).

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace bx::sample {

// ---------------------------------------------------------------------------------------------
// Randomness: splitmix64 to seed and hash, xoshiro256** to draw. Both are fully specified, so
// output is identical across compilers and standard libraries (std:: distributions are not).

inline constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += kGolden);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline uint64_t Hash(uint64_t a, uint64_t b) {
  uint64_t state = a ^ (b * 0xd1b54a32d192ed03ULL);
  return SplitMix64(state);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : s_) word = SplitMix64(seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }               // [0, 1)
  double UniformNonZero() { return static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53; }  // (0, 1]
  // Lemire's multiply-shift; the bias for small n is far below anything observable.
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }
  bool Chance(double p) { return Uniform() < p; }
  int64_t Between(int64_t lo, int64_t hi) { return lo + Below(static_cast<uint32_t>(hi - lo + 1)); }
  // Log-uniform over [lo, hi): many small values, a few large ones.
  double LogUniform(double lo, double hi) { return lo * std::exp(Uniform() * std::log(hi / lo)); }

  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(static_cast<uint32_t>(N))];
  }
  // Items carry a `weight` member.
  template <typename T, size_t N>
  const T& PickWeighted(const T (&items)[N]) {
    uint32_t total = 0;
    for (const T& item : items) total += item.weight;
    uint32_t r = Below(total);
    for (const T& item : items) {
      if (r < item.weight) return item;
      r -= item.weight;
    }
    return items[N - 1];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace bx::sample
