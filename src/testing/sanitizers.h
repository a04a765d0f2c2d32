#pragma once
// Whether this test binary was built with AddressSanitizer (and with any sanitizer) (./run
// test-asan), for the few tests that measure a process's memory: ASan adds shadow memory and keeps
// freed blocks in a quarantine, so a peak RSS under it says little about the code's own bound.

namespace bx::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

// Built with AddressSanitizer or ThreadSanitizer (./run test-asan, test-tsan): tests that are
// about scale run smaller there, where what counts is the code paths.
#if defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = kAddressSanitizer;
#endif
#else
inline constexpr bool kSanitized = kAddressSanitizer;
#endif

}  // namespace bx::testing
