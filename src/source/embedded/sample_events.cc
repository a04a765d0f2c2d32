#include "source/embedded/sample_events.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/strings.h"

namespace bx {
namespace {

// ---------------------------------------------------------------------------------------------
// Randomness: splitmix64 to seed and hash, xoshiro256** to draw. Both are fully specified, so
// output is identical across compilers and standard libraries (std:: distributions are not).

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += kGolden);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Hash(uint64_t a, uint64_t b) {
  uint64_t state = a ^ (b * 0xd1b54a32d192ed03ULL);
  return SplitMix64(state);
}

uint64_t HashText(std::string_view text, uint64_t salt) {
  uint64_t h = 0xcbf29ce484222325ULL ^ salt;  // FNV-1a, then mixed
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return Hash(h, salt);
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

// ---------------------------------------------------------------------------------------------
// Pools. Values are plain UTF-8; they go through AppendJsonEscaped like any other string.

struct Page {
  std::string_view host, path, title;
  uint32_t weight;
};
constexpr Page kPages[] = {
    {"www.acme.io", "/", "Acme – Product analytics for builders", 20},
    {"www.acme.io", "/pricing", "Pricing | Acme", 10},
    {"www.acme.io", "/de/preise", "Preise und Tarife – Acme", 3},
    {"www.acme.io", "/fr/tarifs", "Tarifs et abonnements · Acme", 3},
    {"www.acme.io", "/ja/pricing", "料金プラン | Acme", 3},
    {"www.acme.io", "/zh/features", "功能介绍 - Acme 产品分析", 2},
    {"www.acme.io", "/ru/blog/analytics-101", "Продуктовая аналитика — Acme", 2},
    {"www.acme.io", "/pt-br/blog/funis", "Funis de conversão 🚀 | Acme", 2},
    {"www.acme.io", "/blog/launch-week", "Launch week 🎉 Everything we shipped", 4},
    {"www.acme.io", "/es/clientes", "Historias de éxito – Acme", 2},
    {"www.acme.io", "/ar/about", "من نحن | Acme", 1},
    {"www.acme.io", "/ko/signup", "가입하기 – Acme", 1},
    {"app.acme.io", "/login", "Log in · Acme", 6},
    {"app.acme.io", "/signup", "Create your account · Acme", 5},
    {"app.acme.io", "/project/1/dashboard", "Dashboard • Acme", 12},
    {"app.acme.io", "/project/1/insights/new", "New insight • Acme", 8},
    {"app.acme.io", "/project/1/insights/aB3xY9qZ", "Weekly active users 📈 • Acme", 6},
    {"app.acme.io", "/project/1/events", "Activity • Acme", 5},
    {"app.acme.io", "/project/1/persons", "Persons & groups • Acme", 4},
    {"app.acme.io", "/project/1/feature_flags", "Feature flags • Acme", 3},
    {"app.acme.io", "/settings/billing", "Billing • Acme", 2},
    {"docs.acme.io", "/docs/getting-started", "Getting started – Acme Docs", 5},
    {"docs.acme.io", "/docs/api/events", "Events API – Acme Docs", 3},
    {"shop.acme.io", "/products/cafe-creme-mug", "Café Crème Mug ☕ – Acme Shop", 3},
    {"shop.acme.io", "/products/tokyo-tote", "東京 Tote Bag – Acme Shop", 2},
    {"shop.acme.io", "/cart", "Your cart 🛒 – Acme Shop", 3},
    {"shop.acme.io", "/checkout", "Kasse / Checkout – Acme Shop", 2},
};

constexpr size_t kLoginPage = 12;  // followed by /signup: where $identify happens
static_assert(kPages[kLoginPage].path == "/login" && kPages[kLoginPage + 1].path == "/signup");

struct Device {
  std::string_view os, os_version, device_type, browser;
  int browser_major_lo, browser_major_hi, screen_width, screen_height;
  uint32_t weight;
};
constexpr Device kDevices[] = {
    {"Mac OS X", "14.2.1", "Desktop", "Chrome", 118, 121, 1728, 1117, 18},
    {"Mac OS X", "13.6.3", "Desktop", "Safari", 16, 17, 1440, 900, 8},
    {"Windows", "10.0", "Desktop", "Chrome", 117, 121, 1920, 1080, 22},
    {"Windows", "10.0", "Desktop", "Microsoft Edge", 119, 120, 1536, 864, 8},
    {"Windows", "10.0", "Desktop", "Firefox", 119, 121, 1920, 1080, 5},
    {"Linux", "", "Desktop", "Firefox", 115, 121, 2560, 1440, 3},
    {"Linux", "", "Desktop", "Chrome", 119, 120, 1920, 1200, 2},
    {"iOS", "17.2.1", "Mobile", "Mobile Safari", 17, 17, 390, 844, 14},
    {"iOS", "16.7.4", "Mobile", "Chrome iOS", 119, 120, 375, 812, 3},
    {"Android", "14.0", "Mobile", "Chrome", 119, 120, 412, 915, 10},
    {"Android", "13.0", "Mobile", "Samsung Internet", 23, 23, 360, 800, 3},
    {"iOS", "17.1", "Tablet", "Mobile Safari", 17, 17, 820, 1180, 2},
    {"Chrome OS", "15633.69.0", "Desktop", "Chrome", 120, 120, 1366, 768, 2},
};

struct Referrer {
  std::string_view url, domain;
  uint32_t weight;
};
constexpr Referrer kReferrers[] = {
    {"$direct", "$direct", 45},
    {"https://www.google.com/", "www.google.com", 25},
    {"https://duckduckgo.com/", "duckduckgo.com", 3},
    {"https://www.bing.com/", "www.bing.com", 3},
    {"https://news.ycombinator.com/", "news.ycombinator.com", 5},
    {"https://t.co/", "t.co", 4},
    {"https://www.linkedin.com/", "www.linkedin.com", 4},
    {"https://github.com/acme/acme-js", "github.com", 4},
    {"https://www.reddit.com/r/analytics/", "www.reddit.com", 3},
    {"https://app.acme.io/project/1/dashboard", "app.acme.io", 4},
};

struct Utm {
  std::string_view source, medium, campaign;
};
constexpr Utm kUtms[] = {
    {"google", "cpc", "brand_search_2024"},   {"newsletter", "email", "weekly_digest_42"},
    {"twitter", "social", "launch_week"},     {"linkedin", "paid_social", "b2b_retargeting"},
    {"producthunt", "referral", "ph_launch"}, {"facebook", "cpc", "spring_promo"},
};

struct Name {
  std::string_view display, slug;
};
constexpr Name kFirstNames[] = {
    {"Maria", "maria"}, {"José", "jose"},   {"Zoë", "zoe"},     {"Łukasz", "lukasz"},
    {"Søren", "soren"}, {"Aiko", "aiko"},   {"Wei", "wei"},     {"Olga", "olga"},
    {"James", "james"}, {"Priya", "priya"}, {"Ahmed", "ahmed"}, {"Chloé", "chloe"},
    {"Ngọc", "ngoc"},   {"Émile", "emile"}, {"Sven", "sven"},   {"Fatima", "fatima"},
};
constexpr Name kLastNames[] = {
    {"García", "garcia"},       {"Müller", "mueller"}, {"Nguyễn", "nguyen"}, {"Smith", "smith"},
    {"Kowalski", "kowalski"},   {"田中", "tanaka"},    {"Zhang", "zhang"},   {"Иванова", "ivanova"},
    {"O'Brien", "obrien"},      {"Dubois", "dubois"},  {"Silva", "silva"},   {"Patel", "patel"},
    {"Johansson", "johansson"}, {"Rossi", "rossi"},
};
constexpr std::string_view kEmailDomains[] = {"gmail.com",     "outlook.com", "proton.me",
                                              "acme-corp.com", "example.org", "yahoo.co.jp",
                                              "web.de"};

struct Geo {
  std::string_view country_code, country, city;
};
constexpr Geo kGeos[] = {
    {"US", "United States", "San Francisco"},
    {"DE", "Germany", "Berlin"},
    {"JP", "Japan", "東京"},
    {"BR", "Brazil", "São Paulo"},
    {"FR", "France", "Paris"},
    {"PL", "Poland", "Kraków"},
    {"IN", "India", "Bengaluru"},
    {"GB", "United Kingdom", "London"},
    {"CN", "China", "上海"},
    {"MX", "Mexico", "Ciudad de México"},
};

struct Plan {
  std::string_view name;
  uint32_t weight;
};
constexpr Plan kPlans[] = {{"free", 70}, {"starter", 15}, {"pro", 10}, {"enterprise", 5}};

struct Product {
  std::string_view sku, name;
  int64_t cents;
};
constexpr Product kProducts[] = {
    {"MUG-001", "Café Crème Mug ☕", 1450},         {"TOTE-TKY", "東京 Tote Bag", 2200},
    {"HOOD-UBR", "Über-Comfy Hoodie 🧥", 5900}, {"STK-PACK", "Sticker pack 🦔 ×12", 600},
    {"TEE-NOIR", "T-shirt « Noir »", 2500},        {"BOOK-DA", "Даталогия: handbook", 3400},
    {"CAP-BLU", "Snapback cap – blue", 1900},
};

struct Currency {
  std::string_view code;
  uint32_t weight;
};
constexpr Currency kCurrencies[] = {{"USD", 50}, {"EUR", 30}, {"GBP", 10}, {"CAD", 5}, {"BRL", 5}};

constexpr std::string_view kFlags[] = {"new-onboarding", "beta-dashboards", "pricing-experiment",
                                       "session-replay-v2", "hedgehog-mode"};
constexpr std::string_view kVariants[] = {"control", "test", "test-b"};

struct Button {
  std::string_view name, location;
};
constexpr Button kButtons[] = {
    {"Get started", "hero"},         {"Book a demo", "header"}, {"Export CSV", "insight_toolbar"},
    {"Invite teammate", "settings"}, {"Zur Kasse", "cart"},     {"Upgrade 🚀", "billing"},
};

constexpr std::string_view kSignupMethods[] = {"email", "google", "github", "sso"};
constexpr std::string_view kPaymentMethods[] = {"card", "paypal", "apple_pay", "sepa_debit"};
constexpr std::string_view kWebLibVersions[] = {"1.95.3", "1.96.1", "1.97.0"};
constexpr std::string_view kCoupons[] = {"SPRING24", "WELCOME10", "HEDGEHOG"};

// Autocapture: the clicked element (PostHog's elements_chain syntax: classes sorted, then
// attributes sorted by key) and the ancestors it sits in.
struct Target {
  std::string_view element, text, event_type;
};
constexpr Target kTargets[] = {
    {R"(button.btn.btn-primary:attr__class="btn btn-primary"attr__type="submit"nth-child="2"nth-of-type="1"text="Sign up")",
     "Sign up", "click"},
    {R"(a.nav-link:attr__class="nav-link"attr__href="/pricing"href="/pricing"nth-child="3"nth-of-type="3"text="Pricing")",
     "Pricing", "click"},
    {R"(button.LemonButton.LemonButton--primary:attr__class="LemonButton LemonButton--primary"attr__data-attr="insight-save-button"nth-child="1"nth-of-type="1"text="Save")",
     "Save", "click"},
    {R"(span.label:attr__class="label"nth-child="1"nth-of-type="1"text="登録する")", "登録する",
     "click"},
    {R"(input.form-control:attr__class="form-control"attr__name="email"attr__type="email"nth-child="1"nth-of-type="1")",
     "", "change"},
    {R"(a.product-card__link:attr__class="product-card__link"attr__href="/products/cafe-creme-mug"href="/products/cafe-creme-mug"nth-child="4"nth-of-type="4"text="Café Crème Mug ☕")",
     "Café Crème Mug ☕", "click"},
    {R"(svg.icon:attr__class="icon"attr__viewBox="0 0 24 24"nth-child="1"nth-of-type="1")", "",
     "click"},
    {R"(button.cookie-banner__accept:attr__class="cookie-banner__accept"attr__id="accept-cookies"attr_id="accept-cookies"nth-child="2"nth-of-type="2"text="Accept all 🍪")",
     "Accept all 🍪", "click"},
    {R"(form.signup-form:attr__class="signup-form"attr__id="signup-form"attr_id="signup-form"nth-child="1"nth-of-type="1")",
     "", "submit"},
};
constexpr std::string_view kAncestors[] = {
    R"(div.container:attr__class="container"nth-child="1"nth-of-type="1";body:nth-child="2"nth-of-type="1")",
    R"(div.hero:attr__class="hero"nth-child="2"nth-of-type="2";main:nth-child="1"nth-of-type="1";body:nth-child="2"nth-of-type="1")",
    R"(nav.navbar.navbar-expand:attr__class="navbar navbar-expand"nth-child="1"nth-of-type="1";header:nth-child="1"nth-of-type="1";body:nth-child="2"nth-of-type="1")",
    R"(li.product-grid__item:attr__class="product-grid__item"nth-child="5"nth-of-type="5";ul.product-grid:attr__class="product-grid"nth-child="2"nth-of-type="1";section:nth-child="3"nth-of-type="2";body:nth-child="2"nth-of-type="1")",
};

enum class Kind {
  kPageview,
  kAutocapture,
  kPageleave,
  kButtonClicked,
  kFeatureFlagCalled,
  kIdentify,
  kPurchase,
  kSignup
};
struct EventType {
  Kind kind;
  std::string_view name;
  uint32_t weight;
};
constexpr EventType kEventTypes[] = {
    {Kind::kPageview, "$pageview", 40},
    {Kind::kAutocapture, "$autocapture", 22},
    {Kind::kPageleave, "$pageleave", 14},
    {Kind::kButtonClicked, "button_clicked", 8},
    {Kind::kFeatureFlagCalled, "$feature_flag_called", 7},
    {Kind::kIdentify, "$identify", 3},
    {Kind::kPurchase, "purchase", 3},
    {Kind::kSignup, "signup", 3},
};

// Pool values are written into JSON without escaping: prove at compile time that none needs it.
constexpr bool JsonSafe(std::string_view text) {
  for (char c : text) {
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  }
  return true;
}
template <typename T, size_t N, typename Check>
constexpr bool AllSafe(const T (&items)[N], Check check) {
  for (const T& item : items) {
    if (!check(item)) return false;
  }
  return true;
}
constexpr bool SafeView(std::string_view text) { return JsonSafe(text); }
static_assert(AllSafe(kPages, [](const Page& p) {
  return JsonSafe(p.host) && JsonSafe(p.path) && JsonSafe(p.title);
}));
static_assert(AllSafe(kDevices, [](const Device& d) {
  return JsonSafe(d.os) && JsonSafe(d.os_version) && JsonSafe(d.device_type) && JsonSafe(d.browser);
}));
static_assert(AllSafe(kReferrers,
                      [](const Referrer& r) { return JsonSafe(r.url) && JsonSafe(r.domain); }));
static_assert(AllSafe(kUtms, [](const Utm& u) {
  return JsonSafe(u.source) && JsonSafe(u.medium) && JsonSafe(u.campaign);
}));
static_assert(AllSafe(kFirstNames,
                      [](const Name& n) { return JsonSafe(n.display) && JsonSafe(n.slug); }));
static_assert(AllSafe(kLastNames,
                      [](const Name& n) { return JsonSafe(n.display) && JsonSafe(n.slug); }));
static_assert(AllSafe(kEmailDomains, SafeView));
static_assert(AllSafe(kGeos, [](const Geo& g) {
  return JsonSafe(g.country_code) && JsonSafe(g.country) && JsonSafe(g.city);
}));
static_assert(AllSafe(kPlans, [](const Plan& p) { return JsonSafe(p.name); }));
static_assert(AllSafe(kProducts,
                      [](const Product& p) { return JsonSafe(p.sku) && JsonSafe(p.name); }));
static_assert(AllSafe(kCurrencies, [](const Currency& c) { return JsonSafe(c.code); }));
static_assert(AllSafe(kFlags, SafeView) && AllSafe(kVariants, SafeView));
static_assert(AllSafe(kButtons,
                      [](const Button& b) { return JsonSafe(b.name) && JsonSafe(b.location); }));
static_assert(AllSafe(kSignupMethods, SafeView) && AllSafe(kPaymentMethods, SafeView));
static_assert(AllSafe(kWebLibVersions, SafeView) && AllSafe(kCoupons, SafeView));
static_assert(AllSafe(kTargets, [](const Target& t) {
  return JsonSafe(t.text) && JsonSafe(t.event_type);  // `element` goes to elements_chain only
}));
static_assert(AllSafe(kEventTypes, [](const EventType& e) { return JsonSafe(e.name); }));

// ---------------------------------------------------------------------------------------------
// Compact JSON written into a reused buffer through a cursor: std::string::append per token
// was the generator's main cost. Commas are inferred from the previous byte.

class JsonWriter {
 public:
  // `buffer` is storage kept across rows (grown, never shrunk); `escaped` is scratch.
  JsonWriter(std::string& buffer, std::string& escaped) : buf_(buffer), escaped_(escaped) {}

  // Copies the document into `out`, reusing its capacity.
  void CopyTo(std::string& out) const { out.assign(buf_.data(), pos_); }

  void Begin() { Put('{'); }
  void End() { Put('}'); }
  void BeginObject(std::string_view key) {
    Key(key);
    Put('{');
  }
  void BeginArray(std::string_view key) {
    Key(key);
    Put('[');
  }
  void BeginElementObject() {
    Separator();
    Put('{');
  }
  void EndArray() { Put(']'); }
  // Any text: escaped.
  void Str(std::string_view key, std::string_view value) {
    escaped_.clear();
    AppendJsonEscaped(value, escaped_);
    Raw(key, escaped_);
  }
  // Text known to need no escaping: pool values (checked by static_assert above), hex ids.
  void Raw(std::string_view key, std::string_view value) {
    Key(key);
    char* p = Grab(value.size() + 2);
    p[0] = '"';
    std::memcpy(p + 1, value.data(), value.size());
    p[value.size() + 1] = '"';
  }
  void Int(std::string_view key, int64_t value) {
    Key(key);
    Number(value);
  }
  // 1450 -> 14.50
  void Cents(std::string_view key, int64_t cents) {
    Key(key);
    Number(cents / 100);
    char* p = Grab(3);
    p[0] = '.';
    p[1] = static_cast<char>('0' + cents % 100 / 10);
    p[2] = static_cast<char>('0' + cents % 10);
  }
  void Bool(std::string_view key, bool value) {
    Key(key);
    Put(value ? std::string_view("true") : std::string_view("false"));
  }
  void Null(std::string_view key) {
    Key(key);
    Put("null");
  }
  // An array element known to need no escaping.
  void RawElement(std::string_view value) {
    Separator();
    Put('"');
    Put(value);
    Put('"');
  }
  // Keys are ASCII names from this file (or built from checked pool values): no escaping.
  void Key(std::string_view key) {
    const char last = buf_[pos_ - 1];
    const bool comma = last != '{' && last != '[';
    char* p = Grab(key.size() + 3 + comma);
    if (comma) *p++ = ',';
    p[0] = '"';
    std::memcpy(p + 1, key.data(), key.size());
    p[key.size() + 1] = '"';
    p[key.size() + 2] = ':';
  }

 private:
  // Room for `n` more bytes; the buffer only grows while warming up.
  char* Grab(size_t n) {
    if (buf_.size() - pos_ < n) buf_.resize(std::max(2 * buf_.size(), pos_ + n + 1024));
    char* p = buf_.data() + pos_;
    pos_ += n;
    return p;
  }
  void Put(char c) { *Grab(1) = c; }
  void Put(std::string_view text) { std::memcpy(Grab(text.size()), text.data(), text.size()); }
  void Separator() {
    const char last = buf_[pos_ - 1];
    if (last != '{' && last != '[') Put(',');
  }
  void Number(int64_t value) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof digits, value);
    Put(std::string_view(digits, result.ptr - digits));
  }

  std::string& buf_;
  std::string& escaped_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Identifiers.

// "00" .. "ff": two hex digits per byte.
constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char kDigits[] = "0123456789abcdef";
  std::array<char, 512> pairs{};
  for (int i = 0; i < 256; ++i) {
    pairs[2 * i] = kDigits[i >> 4];
    pairs[2 * i + 1] = kDigits[i & 0xF];
  }
  return pairs;
}();

// Writes hi/lo as lowercase 8-4-4-4-12 into a 36-byte buffer.
void WriteUuid(uint64_t hi, uint64_t lo, char* out) {
  char hex[32];
  for (int i = 0; i < 8; ++i) {
    std::memcpy(hex + 2 * i, &kHexPairs[2 * ((hi >> (56 - 8 * i)) & 0xFF)], 2);
    std::memcpy(hex + 16 + 2 * i, &kHexPairs[2 * ((lo >> (56 - 8 * i)) & 0xFF)], 2);
  }
  std::memcpy(out, hex, 8);
  out[8] = '-';
  std::memcpy(out + 9, hex + 8, 4);
  out[13] = '-';
  std::memcpy(out + 14, hex + 12, 4);
  out[18] = '-';
  std::memcpy(out + 19, hex + 16, 4);
  out[23] = '-';
  std::memcpy(out + 24, hex + 20, 12);
}

// UUIDv7: 48 bits of unix milliseconds, version 7, 12 + 62 random bits, variant 0b10.
void WriteUuidV7(int64_t unix_ms, uint64_t rand_a, uint64_t rand_b, char* out) {
  const uint64_t hi = (static_cast<uint64_t>(unix_ms) << 16) | 0x7000 | (rand_a & 0xFFF);
  const uint64_t lo = (rand_b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  WriteUuid(hi, lo, out);
}

void AssignUuidV7(int64_t unix_ms, uint64_t rand_a, uint64_t rand_b, std::string& out) {
  out.resize(36);
  WriteUuidV7(unix_ms, rand_a, rand_b, out.data());
}

// Name-based (version 5 layout) UUID from two hashes of `name`.
void AssignNameUuid(std::string_view name, std::string& out) {
  const uint64_t hi = (HashText(name, 1) & ~0xF000ULL) | 0x5000;
  const uint64_t lo = (HashText(name, 2) & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  out.resize(36);
  WriteUuid(hi, lo, out.data());
}

void AppendNumber(uint64_t value, std::string& out) {
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, result.ptr);
}

constexpr Micros kMillisecond = 1000;
constexpr Micros kMinute = 60 * kMicrosPerSecond;
constexpr Micros kDay = 24 * 60 * kMinute;
constexpr Micros kSessionLength = 30 * kMinute;

// ---------------------------------------------------------------------------------------------
// A user: everything stable about them derives from one hash of (seed, rank).

struct User {
  uint64_t number = 0;  // public and unique: user_<number>, email local part
  uint64_t key = 0;
  bool identified = false;
  bool uses_email = false;
  const Name* first = nullptr;
  const Name* last = nullptr;
  std::string_view email_domain, plan, lib_version;
  const Device* device = nullptr;
  int browser_version = 0;
  const Geo* geo = nullptr;
  const Referrer* initial_referrer = nullptr;
  const Utm* initial_utm = nullptr;  // null when they arrived without one
  Micros first_seen = 0;
  char anon_id[36];
};

// Desktop browsers lose some height to chrome; the exact figure varies per user.
int ViewportHeight(const User& user) {
  return user.device->screen_height - 80 - static_cast<int>(user.key % 60);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

class SampleEventGenerator::Impl {
 public:
  explicit Impl(const SampleEventOptions& options);
  bool Next(EventRow& row);

 private:
  Micros NextInsertedAt();
  Micros ClientDelay();
  uint64_t PickUserRank();
  void LoadUser(uint64_t rank, User& user) const;
  void AssignIdentifiedId(const User& user, std::string& out) const;
  void AppendEmail(const User& user, std::string& out) const;
  void AppendFullName(const User& user, std::string& out) const;
  void BuildUrl(const Page& page, const Utm* utm);
  void WebCommon(JsonWriter& json, const User& user, const Page& page, const Referrer& referrer,
                 Micros at);
  void SessionIds(JsonWriter& json, const User& user, Micros at);
  void Properties(Kind kind, const User& user, EventRow& row);
  void Pageview(JsonWriter& json, const User& user, Micros at);
  void Autocapture(JsonWriter& json, const User& user, Micros at, EventRow& row);
  void Pageleave(JsonWriter& json, const User& user, Micros at);
  void ButtonClicked(JsonWriter& json, const User& user, Micros at);
  void FeatureFlagCalled(JsonWriter& json, const User& user, Micros at);
  void Identify(JsonWriter& json, const User& user, Micros at);
  void Purchase(JsonWriter& json, const User& user);
  void Signup(JsonWriter& json, const User& user, Micros at);
  void SetProfile(JsonWriter& json, const User& user);
  void PersonProperties(const User& user, bool anonymous, std::string& out);

  SampleEventOptions options_;
  Rng rng_;
  uint64_t salt_;  // seed-derived key for every per-user hash
  uint64_t users_;
  uint64_t user_stride_;  // rank -> user number bijection: (rank * stride) mod users
  uint64_t produced_ = 0;
  double remaining_ = 1.0;  // 1 - the last order statistic, as a fraction of [start, end)
  Micros last_inserted_at_;
  std::vector<std::string> chains_;  // kTargets x kAncestors, built once
  std::string url_, scratch_, escaped_, json_buffer_;
};

SampleEventGenerator::Impl::Impl(const SampleEventOptions& options)
    : options_(options),
      rng_(options.seed),
      salt_(Hash(options.seed, 0x5eed)),
      users_(std::max<uint64_t>(10, options.count / 20)),
      last_inserted_at_(options.start) {
  if (options.end <= options.start) {
    throw InvalidArgument("--end", "must be after --start (" + FormatIso(options.start) + ")");
  }
  user_stride_ = 2654435761ULL % users_;
  while (std::gcd(user_stride_, users_) != 1) ++user_stride_;
  for (const Target& target : kTargets) {
    for (std::string_view ancestors : kAncestors) {
      chains_.push_back(std::string(target.element) + ";" + std::string(ancestors));
    }
  }
  url_.reserve(256);
  scratch_.reserve(256);
  escaped_.reserve(256);
  json_buffer_.resize(4096);
}

bool SampleEventGenerator::Impl::Next(EventRow& row) {
  if (produced_ >= options_.count) return false;
  row.inserted_at = NextInsertedAt();
  ++produced_;
  row.created_at = row.inserted_at;
  row.timestamp = row.inserted_at - ClientDelay();
  row.team_id = options_.team_id;
  AssignUuidV7(row.inserted_at / kMillisecond, rng_.Next(), rng_.Next(), row.uuid);

  User user;
  LoadUser(PickUserRank(), user);
  const EventType& type = rng_.PickWeighted(kEventTypes);
  const Kind kind = type.kind;
  // $identify and server-side events always carry the known id. In the browser, users who
  // identified use it for most events; others (and stray devices) stay anonymous.
  const bool known_id = kind == Kind::kIdentify || kind == Kind::kPurchase || kind == Kind::kSignup;
  const bool anonymous = !known_id && (!user.identified || rng_.Chance(0.15));
  if (anonymous) {
    row.distinct_id.assign(user.anon_id, sizeof user.anon_id);
  } else {
    AssignIdentifiedId(user, row.distinct_id);
  }
  AssignNameUuid(row.distinct_id, row.person_id);
  row.event.assign(type.name);
  Properties(kind, user, row);
  PersonProperties(user, anonymous, row.person_properties);
  return true;
}

void SampleEventGenerator::Impl::Properties(Kind kind, const User& user, EventRow& row) {
  row.elements_chain.clear();
  JsonWriter json(json_buffer_, escaped_);
  json.Begin();
  const Micros at = row.timestamp;
  switch (kind) {
    case Kind::kPageview:
      Pageview(json, user, at);
      break;
    case Kind::kAutocapture:
      Autocapture(json, user, at, row);
      break;
    case Kind::kPageleave:
      Pageleave(json, user, at);
      break;
    case Kind::kButtonClicked:
      ButtonClicked(json, user, at);
      break;
    case Kind::kFeatureFlagCalled:
      FeatureFlagCalled(json, user, at);
      break;
    case Kind::kIdentify:
      Identify(json, user, at);
      break;
    case Kind::kPurchase:
      Purchase(json, user);
      break;
    case Kind::kSignup:
      Signup(json, user, at);
      break;
  }
  json.End();
  json.CopyTo(row.properties);
}

// Sorted uniforms, streamed: the minimum of k uniforms on [0, 1) is 1 - U^(1/k), so each next
// order statistic shrinks the remaining gap to 1 by a factor U^(1/k), k = rows still to come.
Micros SampleEventGenerator::Impl::NextInsertedAt() {
  const double k = static_cast<double>(options_.count - produced_);
  remaining_ *= std::pow(rng_.UniformNonZero(), 1.0 / k);
  const double span = static_cast<double>(options_.end - options_.start);
  Micros t = options_.start + static_cast<Micros>((1.0 - remaining_) * span);
  t = std::clamp(t, last_inserted_at_, options_.end - 1);
  last_inserted_at_ = t;
  return t;
}

// Capture-to-ingestion delay: mostly milliseconds to seconds, sometimes tens of seconds,
// rarely minutes (a phone coming back online flushes its queue).
Micros SampleEventGenerator::Impl::ClientDelay() {
  const double u = rng_.Uniform();
  double micros;
  if (u < 0.80) {
    micros = rng_.LogUniform(5e3, 3e6);
  } else if (u < 0.97) {
    micros = rng_.LogUniform(3e6, 30e6);
  } else {
    micros = rng_.LogUniform(60e6, 900e6);
  }
  return static_cast<Micros>(micros);
}

// Activity is skewed: rank r has density ∝ r^(-1/2), so the first ranks are very active and
// most users appear a handful of times.
uint64_t SampleEventGenerator::Impl::PickUserRank() {
  const double u = rng_.Uniform();
  return std::min(users_ - 1, static_cast<uint64_t>(u * u * static_cast<double>(users_)));
}

void SampleEventGenerator::Impl::LoadUser(uint64_t rank, User& user) const {
  // Multiplication by a unit mod users_ permutes the ranks, so numbers are unique but the most
  // active user is not simply the first one.
  user.number = 10001 + (rank % users_) * user_stride_ % users_;
  user.key = Hash(salt_, user.number);
  Rng r(user.key);
  user.identified = r.Chance(0.6);
  user.uses_email = r.Chance(0.6);
  user.first = &r.Pick(kFirstNames);
  user.last = &r.Pick(kLastNames);
  user.email_domain = r.Pick(kEmailDomains);
  user.plan = r.PickWeighted(kPlans).name;
  user.lib_version = r.Pick(kWebLibVersions);
  user.device = &r.PickWeighted(kDevices);
  user.browser_version =
      static_cast<int>(r.Between(user.device->browser_major_lo, user.device->browser_major_hi));
  user.geo = &r.Pick(kGeos);
  user.initial_referrer = &r.PickWeighted(kReferrers);
  user.initial_utm = r.Chance(0.3) ? &r.Pick(kUtms) : nullptr;
  user.first_seen =
      options_.start - static_cast<Micros>(r.Below(400)) * kDay -
      static_cast<Micros>(r.Below(static_cast<uint32_t>(kDay / kMillisecond))) * kMillisecond;
  WriteUuidV7(user.first_seen / kMillisecond, r.Next(), r.Next(), user.anon_id);
}

void SampleEventGenerator::Impl::AssignIdentifiedId(const User& user, std::string& out) const {
  out.clear();
  if (user.uses_email) {
    AppendEmail(user, out);
  } else {
    out.append("user_");
    AppendNumber(user.number, out);
  }
}

void SampleEventGenerator::Impl::AppendEmail(const User& user, std::string& out) const {
  out.append(user.first->slug);
  out.push_back('.');
  out.append(user.last->slug);
  AppendNumber(user.number, out);
  out.push_back('@');
  out.append(user.email_domain);
}

void SampleEventGenerator::Impl::AppendFullName(const User& user, std::string& out) const {
  out.append(user.first->display);
  out.push_back(' ');
  out.append(user.last->display);
}

void SampleEventGenerator::Impl::BuildUrl(const Page& page, const Utm* utm) {
  url_.assign("https://");
  url_.append(page.host);
  url_.append(page.path);
  if (utm == nullptr) return;
  url_.append("?utm_source=");
  url_.append(utm->source);
  url_.append("&utm_medium=");
  url_.append(utm->medium);
  url_.append("&utm_campaign=");
  url_.append(utm->campaign);
}

// What posthog-js attaches to every browser event. Expects BuildUrl(page) to have run.
void SampleEventGenerator::Impl::WebCommon(JsonWriter& json, const User& user, const Page& page,
                                           const Referrer& referrer, Micros at) {
  const Device& device = *user.device;
  json.Raw("$os", device.os);
  if (!device.os_version.empty()) json.Raw("$os_version", device.os_version);
  json.Raw("$browser", device.browser);
  json.Int("$browser_version", user.browser_version);
  json.Raw("$device_type", device.device_type);
  json.Str("$current_url", url_);
  json.Raw("$host", page.host);
  json.Raw("$pathname", page.path);
  json.Int("$screen_height", device.screen_height);
  json.Int("$screen_width", device.screen_width);
  json.Int("$viewport_height", ViewportHeight(user));
  json.Raw("$lib", "web");
  json.Raw("$lib_version", user.lib_version);
  json.Raw("$referrer", referrer.url);
  json.Raw("$referring_domain", referrer.domain);
  SessionIds(json, user, at);
}

// A session is the user's current 30-minute slot; the window id follows it.
void SampleEventGenerator::Impl::SessionIds(JsonWriter& json, const User& user, Micros at) {
  const Micros offset = static_cast<Micros>(user.key % kSessionLength);
  const Micros slot = (at + offset) / kSessionLength;
  const Micros session_start = slot * kSessionLength - offset;
  const uint64_t h = Hash(user.key, static_cast<uint64_t>(slot));
  char id[36];
  WriteUuidV7(session_start / kMillisecond, h, Hash(h, 1), id);
  json.Raw("$session_id", std::string_view(id, sizeof id));
  WriteUuidV7(session_start / kMillisecond + 7, Hash(h, 2), Hash(h, 3), id);
  json.Raw("$window_id", std::string_view(id, sizeof id));
}

void SampleEventGenerator::Impl::Pageview(JsonWriter& json, const User& user, Micros at) {
  const Page& page = rng_.PickWeighted(kPages);
  const Utm* utm = rng_.Chance(0.2) ? &rng_.Pick(kUtms) : nullptr;
  BuildUrl(page, utm);
  WebCommon(json, user, page, rng_.PickWeighted(kReferrers), at);
  json.Raw("title", page.title);
  if (utm != nullptr) {
    json.Raw("utm_source", utm->source);
    json.Raw("utm_medium", utm->medium);
    json.Raw("utm_campaign", utm->campaign);
  }
}

void SampleEventGenerator::Impl::Autocapture(JsonWriter& json, const User& user, Micros at,
                                             EventRow& row) {
  const Page& page = rng_.PickWeighted(kPages);
  BuildUrl(page, nullptr);
  WebCommon(json, user, page, rng_.PickWeighted(kReferrers), at);
  const size_t target = rng_.Below(std::size(kTargets));
  const size_t ancestors = rng_.Below(std::size(kAncestors));
  json.Raw("$event_type", kTargets[target].event_type);
  json.Int("$ce_version", 1);
  if (!kTargets[target].text.empty()) json.Raw("$el_text", kTargets[target].text);
  row.elements_chain.assign(chains_[target * std::size(kAncestors) + ancestors]);
}

void SampleEventGenerator::Impl::Pageleave(JsonWriter& json, const User& user, Micros at) {
  const Page& page = rng_.PickWeighted(kPages);
  BuildUrl(page, nullptr);
  WebCommon(json, user, page, rng_.PickWeighted(kReferrers), at);
  json.Int("$prev_pageview_duration", static_cast<int64_t>(rng_.LogUniform(1, 1800)));
  json.Int("$prev_pageview_max_scroll_percentage", rng_.Between(0, 100));
}

void SampleEventGenerator::Impl::ButtonClicked(JsonWriter& json, const User& user, Micros at) {
  const Page& page = rng_.PickWeighted(kPages);
  BuildUrl(page, nullptr);
  WebCommon(json, user, page, kReferrers[0], at);
  const Button& button = rng_.Pick(kButtons);
  json.Raw("button_name", button.name);
  json.Raw("location", button.location);
}

void SampleEventGenerator::Impl::FeatureFlagCalled(JsonWriter& json, const User& user, Micros at) {
  const Page& page = rng_.PickWeighted(kPages);
  BuildUrl(page, nullptr);
  WebCommon(json, user, page, kReferrers[0], at);
  const std::string_view flag = rng_.Pick(kFlags);
  json.Raw("$feature_flag", flag);
  scratch_.assign("$feature/");
  scratch_.append(flag);
  if (rng_.Chance(0.5)) {
    const bool enabled = rng_.Chance(0.7);
    json.Bool("$feature_flag_response", enabled);
    json.Bool(scratch_, enabled);
  } else {
    const std::string_view variant = rng_.Pick(kVariants);
    json.Raw("$feature_flag_response", variant);
    json.Raw(scratch_, variant);
  }
  json.BeginArray("$active_feature_flags");
  for (size_t i = user.key % 3; i < std::size(kFlags); i += 2) json.RawElement(kFlags[i]);
  json.EndArray();
}

void SampleEventGenerator::Impl::Identify(JsonWriter& json, const User& user, Micros at) {
  const Page& page = kPages[kLoginPage + user.key % 2];
  BuildUrl(page, nullptr);
  json.Raw("$os", user.device->os);
  json.Raw("$browser", user.device->browser);
  json.Raw("$device_type", user.device->device_type);
  json.Str("$current_url", url_);
  json.Raw("$lib", "web");
  json.Raw("$lib_version", user.lib_version);
  SessionIds(json, user, at);
  json.Raw("$anon_distinct_id", std::string_view(user.anon_id, sizeof user.anon_id));
  SetProfile(json, user);
  json.BeginObject("$set_once");
  json.Raw("$initial_referring_domain", user.initial_referrer->domain);
  json.Raw("$initial_os", user.device->os);
  json.End();
}

void SampleEventGenerator::Impl::Purchase(JsonWriter& json, const User& user) {
  json.Raw("$lib", "posthog-python");
  json.Raw("$lib_version", "3.3.2");
  scratch_.assign("ord_");
  AppendNumber(rng_.Next() % 10'000'000'000ULL, scratch_);
  json.Str("order_id", scratch_);
  const int items = static_cast<int>(rng_.Between(1, 3));
  std::array<const Product*, 3> chosen{};
  std::array<int, 3> quantities{};
  int64_t total = 0;
  int count = 0;
  for (int i = 0; i < items; ++i) {
    chosen[i] = &rng_.Pick(kProducts);
    quantities[i] = rng_.Chance(0.8) ? 1 : static_cast<int>(rng_.Between(2, 4));
    total += chosen[i]->cents * quantities[i];
    count += quantities[i];
  }
  json.Cents("price", total);
  json.Raw("currency", rng_.PickWeighted(kCurrencies).code);
  json.BeginArray("items");
  for (int i = 0; i < items; ++i) {
    json.BeginElementObject();
    json.Raw("sku", chosen[i]->sku);
    json.Raw("name", chosen[i]->name);
    json.Cents("price", chosen[i]->cents);
    json.Int("quantity", quantities[i]);
    json.End();
  }
  json.EndArray();
  json.BeginObject("cart");
  scratch_.assign("cart_");
  AppendNumber(rng_.Next() % 1'000'000'000ULL, scratch_);
  json.Str("id", scratch_);
  json.Int("item_count", count);
  if (rng_.Chance(0.2)) {
    json.Raw("coupon", rng_.Pick(kCoupons));
  } else {
    json.Null("coupon");
  }
  json.End();
  json.Raw("payment_method", rng_.Pick(kPaymentMethods));
  json.Raw("plan", user.plan);
}

void SampleEventGenerator::Impl::Signup(JsonWriter& json, const User& user, Micros at) {
  json.Raw("$lib", "posthog-node");
  json.Raw("$lib_version", "3.6.3");
  json.Raw("signup_method", rng_.Pick(kSignupMethods));
  json.Raw("referral_source", user.initial_referrer->domain);
  SetProfile(json, user);
  json.BeginObject("$set_once");
  char iso[kIsoMicrosLength];
  WriteIsoMicros(at, iso);
  json.Raw("signed_up_at", std::string_view(iso, sizeof iso));
  json.End();
}

void SampleEventGenerator::Impl::SetProfile(JsonWriter& json, const User& user) {
  json.BeginObject("$set");
  scratch_.clear();
  AppendEmail(user, scratch_);
  json.Str("email", scratch_);
  scratch_.clear();
  AppendFullName(user, scratch_);
  json.Str("name", scratch_);
  json.Raw("plan", user.plan);
  json.End();
}

void SampleEventGenerator::Impl::PersonProperties(const User& user, bool anonymous,
                                                  std::string& out) {
  JsonWriter json(json_buffer_, escaped_);
  json.Begin();
  if (!anonymous) {
    scratch_.clear();
    AppendEmail(user, scratch_);
    json.Str("email", scratch_);
    scratch_.clear();
    AppendFullName(user, scratch_);
    json.Str("name", scratch_);
    json.Raw("plan", user.plan);
  }
  json.Raw("$initial_browser", user.device->browser);
  json.Raw("$initial_os", user.device->os);
  json.Raw("$initial_device_type", user.device->device_type);
  json.Raw("$initial_referring_domain", user.initial_referrer->domain);
  if (user.initial_utm != nullptr) {
    json.Raw("$initial_utm_source", user.initial_utm->source);
    json.Raw("$initial_utm_campaign", user.initial_utm->campaign);
  }
  json.Raw("$geoip_country_code", user.geo->country_code);
  json.Raw("$geoip_country_name", user.geo->country);
  json.Raw("$geoip_city_name", user.geo->city);
  json.End();
  json.CopyTo(out);
}

SampleEventGenerator::SampleEventGenerator(const SampleEventOptions& options)
    : impl_(std::make_unique<Impl>(options)) {}
SampleEventGenerator::~SampleEventGenerator() = default;
SampleEventGenerator::SampleEventGenerator(SampleEventGenerator&&) noexcept = default;
SampleEventGenerator& SampleEventGenerator::operator=(SampleEventGenerator&&) noexcept = default;

bool SampleEventGenerator::Next(EventRow& row) { return impl_->Next(row); }

}  // namespace bx
