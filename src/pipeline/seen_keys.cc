#include "pipeline/seen_keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/fd_io.h"

namespace bx {
namespace {

constexpr size_t kBlockKeys = 256;  // keys a lookup reads: 4 KiB
constexpr size_t kBloomBitsPerKey = 12;
constexpr size_t kBloomBlockWords = 8;  // a 512-bit block: one cache line
constexpr size_t kBufferKeys = 4096;
// How many keys ahead a table slot is fetched into the cache: the table outgrows the caches,
// and a miss per row was most of the filter's cost.
constexpr size_t kPrefetchDistance = 8;
// Runs of up to 32Ki keys keep a table of at most 1 MiB; past that it goes to its largest.
constexpr size_t kSmallTableSlots = size_t{1} << 16;  // 1 MiB

// A lambda, not a function, so that std::sort inlines it.
constexpr auto Less = [](const Key128& a, const Key128& b) {
  return a.high != b.high ? a.high < b.high : a.low < b.low;
};
bool Equal(const Key128& a, const Key128& b) { return a.high == b.high && a.low == b.low; }
bool Empty(const Key128& k) { return k.low == 0 && k.high == 0; }

Error SpillError(const std::filesystem::path& dir, const std::string& what) {
  return Error(ErrorKind::kRetryable, "TemporaryFileError",
               "deduplicating the run's rows: " + what + " a temporary file in " + dir.string() +
                   ": " + std::strerror(errno) + " (TMPDIR chooses the directory)");
}

// An unnamed file, removed by the kernel when closed (or when the process dies).
int OpenUnnamedFile(const std::filesystem::path& dir) {
  int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
  // A file system without O_TMPFILE: a private name, unlinked at once.
  std::string name = (dir / "bx-dedup-XXXXXX").string();
  fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) unlink(name.c_str());
  return fd;
}

}  // namespace

// One spilled run: sorted keys in a file, a Bloom filter and a sparse index in memory.
struct SeenKeys::Run {
  std::filesystem::path dir;
  int fd = -1;
  size_t count = 0;
  std::vector<Key128> index;    // keys 0, 256, 512, ...
  std::vector<uint64_t> bloom;  // blocks of kBloomBlockWords words
  std::vector<Key128> buffer;   // keys not yet written

  explicit Run(const std::filesystem::path& spill_dir, size_t expected_keys) : dir(spill_dir) {
    fd = OpenUnnamedFile(dir);
    if (fd < 0) throw SpillError(dir, "creating");
    const size_t blocks = std::max<size_t>(1, expected_keys * kBloomBitsPerKey / 512);
    bloom.assign(blocks * kBloomBlockWords, 0);
    buffer.reserve(kBufferKeys);
  }
  ~Run() {
    if (fd >= 0) close(fd);
  }

  // Where in the filter the block of `key` starts; the block's 7 bits for `key` are 9 bits of
  // `low` each.
  size_t BloomBlock(const Key128& key) const {
    const size_t blocks = bloom.size() / kBloomBlockWords;
    return static_cast<size_t>((static_cast<__uint128_t>(key.high) * blocks) >> 64) *
           kBloomBlockWords;
  }
  static unsigned BloomBit(const Key128& key, int i) { return (key.low >> (9 * i)) & 511; }
  bool MayContain(const Key128& key) const {
    const uint64_t* block = bloom.data() + BloomBlock(key);
    for (int i = 0; i < 7; ++i) {
      const unsigned bit = BloomBit(key, i);
      if ((block[bit / 64] & (uint64_t{1} << (bit % 64))) == 0) return false;
    }
    return true;
  }

  // Keys must come in ascending order.
  void Append(const Key128& key) {
    if (count % kBlockKeys == 0) index.push_back(key);
    uint64_t* block = bloom.data() + BloomBlock(key);
    for (int i = 0; i < 7; ++i) {
      const unsigned bit = BloomBit(key, i);
      block[bit / 64] |= uint64_t{1} << (bit % 64);
    }
    buffer.push_back(key);
    ++count;
    if (buffer.size() == kBufferKeys) Flush();
  }
  void Flush() {
    const std::string_view bytes(reinterpret_cast<const char*>(buffer.data()),
                                 buffer.size() * sizeof(Key128));
    if (!WriteFully(fd, bytes)) throw SpillError(dir, "writing");
    buffer.clear();
  }

  // Reads keys [first, first + n) into `out`.
  void Read(size_t first, size_t n, Key128* out) const {
    char* p = reinterpret_cast<char*>(out);
    size_t left = n * sizeof(Key128);
    off_t offset = static_cast<off_t>(first * sizeof(Key128));
    while (left > 0) {
      const ssize_t got = pread(fd, p, left, offset);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) throw SpillError(dir, "reading");
      p += got;
      offset += got;
      left -= static_cast<size_t>(got);
    }
  }

  bool Contains(const Key128& key) const {
    if (!MayContain(key)) return false;
    const auto after = std::upper_bound(index.begin(), index.end(), key, Less);
    if (after == index.begin()) return false;
    const size_t first = static_cast<size_t>(after - index.begin() - 1) * kBlockKeys;
    const size_t n = std::min(kBlockKeys, count - first);
    std::array<Key128, kBlockKeys> block;
    Read(first, n, block.data());
    return std::binary_search(block.begin(), block.begin() + n, key, Less);
  }

  // Reads a run from the start, a buffer at a time.
  class Cursor {
   public:
    explicit Cursor(const Run& run) : run_(run) {}
    bool Done() const { return next_ == run_.count && pos_ == buffer_.size(); }
    const Key128& Peek() {
      if (pos_ == buffer_.size()) {
        buffer_.resize(std::min(kBufferKeys, run_.count - next_));
        run_.Read(next_, buffer_.size(), buffer_.data());
        next_ += buffer_.size();
        pos_ = 0;
      }
      return buffer_[pos_];
    }
    void Pop() { ++pos_; }

   private:
    const Run& run_;
    std::vector<Key128> buffer_;
    size_t pos_ = 0, next_ = 0;
  };
};

SeenKeys::SeenKeys(size_t memory_keys, std::filesystem::path spill_dir)
    : memory_keys_(std::max<size_t>(memory_keys, 1)), spill_dir_(std::move(spill_dir)) {
  if (spill_dir_.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    spill_dir_ = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
}

SeenKeys::~SeenKeys() = default;

bool SeenKeys::InsertInMemory(Key128 key) {
  const size_t mask = slots_.size() - 1;
  for (size_t i = key.low & mask;; i = (i + 1) & mask) {
    Key128& s = slots_[i];
    if (Empty(s)) {
      s = key;
      ++memory_used_;
      return true;
    }
    if (Equal(s, key)) return false;
  }
}

bool SeenKeys::InRuns(Key128 key) const {
  for (const auto& run : runs_) {
    if (run->Contains(key)) return true;
  }
  return false;
}

void SeenKeys::GrowTable(size_t keys) {
  size_t size = slots_.empty() ? 1 << 10 : slots_.size();
  while (keys * 2 > size) size *= 2;
  // Past a small table, straight to the largest it will be (memory_keys_ at half load): growing
  // by doubling to it held the old table beside the new one, 1.5x the largest at the peak.
  if (size > kSmallTableSlots) size = std::max(size, std::bit_ceil(memory_keys_ * 2));
  if (size == slots_.size()) return;
  std::vector<Key128> old = std::move(slots_);
  slots_.assign(size, Key128{});
  memory_used_ = 0;
  const size_t mask = size - 1;
  for (size_t i = 0; i < old.size(); ++i) {
    if (i + kPrefetchDistance < old.size()) {
      __builtin_prefetch(&slots_[old[i + kPrefetchDistance].low & mask], 1);
    }
    if (!Empty(old[i])) InsertInMemory(old[i]);
  }
}

void SeenKeys::Spill() {
  // The table's keys, packed at its front and sorted in place: no second copy.
  size_t n = 0;
  for (const Key128& k : slots_) {
    if (!Empty(k)) slots_[n++] = k;
  }
  std::sort(slots_.begin(), slots_.begin() + static_cast<ptrdiff_t>(n), Less);
  auto run = std::make_unique<Run>(spill_dir_, n);
  for (size_t i = 0; i < n; ++i) run->Append(slots_[i]);
  run->Flush();
  std::fill(slots_.begin(), slots_.end(), Key128{});
  spilled_ += memory_used_;
  memory_used_ = 0;
  runs_.push_back(std::move(run));
  while (runs_.size() >= 2 && runs_.back()->count >= runs_[runs_.size() - 2]->count) {
    std::unique_ptr<Run> newer = std::move(runs_.back());
    runs_.pop_back();
    std::unique_ptr<Run> older = std::move(runs_.back());
    runs_.pop_back();
    runs_.push_back(Merge(std::move(older), std::move(newer)));
  }
}

std::unique_ptr<SeenKeys::Run> SeenKeys::Merge(std::unique_ptr<Run> older,
                                               std::unique_ptr<Run> newer) {
  // Merging reads only the inputs' files: their filters and indexes go first, so that memory
  // never holds both generations (at 5M keys that was 6 MiB more at the peak).
  for (Run* input : {older.get(), newer.get()}) {
    std::vector<uint64_t>().swap(input->bloom);
    std::vector<Key128>().swap(input->index);
  }
  auto merged = std::make_unique<Run>(spill_dir_, older->count + newer->count);
  Run::Cursor a(*older), b(*newer);
  while (!a.Done() || !b.Done()) {
    // The runs are disjoint: a key enters a run only when no run holds it.
    if (b.Done() || (!a.Done() && Less(a.Peek(), b.Peek()))) {
      merged->Append(a.Peek());
      a.Pop();
    } else {
      merged->Append(b.Peek());
      b.Pop();
    }
  }
  merged->Flush();
  return merged;
}

void SeenKeys::Insert(const std::vector<Key128>& keys, std::vector<uint8_t>& fresh) {
  if (failed_) {
    throw Error(ErrorKind::kInternal, "InternalError",
                "duplicate filter used after it failed to spill (its keys are incomplete)");
  }
  fresh.assign(keys.size(), 0);
  size_t start = 0;
  while (start < keys.size()) {
    if (memory_used_ == memory_keys_) {
      try {
        Spill();
      } catch (...) {
        failed_ = true;  // keys may be in no run now: any later answer could be wrong
        throw;
      }
    }
    const size_t end = start + std::min(keys.size() - start, memory_keys_ - memory_used_);
    GrowTable(memory_used_ + (end - start));
    const size_t mask = slots_.size() - 1;
    for (size_t i = start; i < end; ++i) {
      if (i + kPrefetchDistance < end) {
        const Key128& ahead = keys[i + kPrefetchDistance];
        __builtin_prefetch(&slots_[ahead.low & mask], 1);
        for (const auto& run : runs_)
          __builtin_prefetch(run->bloom.data() + run->BloomBlock(ahead));
      }
      Key128 key = keys[i];
      if (Empty(key)) key.low = 1;  // (0, 0) marks an empty slot
      fresh[i] = !InRuns(key) && InsertInMemory(key);
    }
    start = end;
  }
}

}  // namespace bx
