#pragma once
// The sample generator's data tables: pages, devices, referrers, names, places, plans, products
// and event types, with the weights they are drawn with.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "base/time.h"

namespace bx::sample {

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
  kSignup,
  kAlias
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
    {Kind::kAlias, "$create_alias", 1},
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

}  // namespace bx::sample
