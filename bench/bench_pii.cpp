// PII scan and safety_score throughput over ~1 MB of deterministic mixed
// text: prose, log lines, JSON and code, with about one PII item per 2 KB.

#include "pii/piidetector.h"
#include "pii/safetyscorer.h"

#include "lcg.h"

#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using osh::bench::Lcg;

constexpr std::array<std::string_view, 40> kWords = {"the", "customer", "asked", "about", "their", "order", "and", "we",
    "shipped", "it", "yesterday", "please", "note", "that", "delivery", "may", "take", "several", "business", "days",
    "thank", "you", "for", "your", "patience", "account", "settings", "can", "be", "changed", "in", "profile", "page",
    "version", "release", "notes", "describe", "new", "features", "support"};

constexpr std::array<std::string_view, 6> kCode
    = {"    for (std::size_t i = 0; i < items.size(); ++i) total += items[i].price * 2;\n",
        "    auto it = std::find_if(v.begin(), v.end(), [](const Item &x) { return x.id == 42; });\n",
        "def handler(event, context):\n    return {\"status\": 200, \"body\": json.dumps(event)}\n",
        "    if (ret < 0) { perror(\"open\"); return -1; } // see RFC 2616 section 10.4.1\n",
        "const std::map<std::string, int> kLimits = {{\"max\", 1024}, {\"min\", 16}};\n",
        "    QObject::connect(timer, &QTimer::timeout, this, &Worker::tick);\n"};

// PII values vary (fresh digits every time) so validation and the phone
// cache see realistic work, not the same eight strings over and over.
std::string digits(Lcg &rng, int n)
{
    std::string s;
    for (int i = 0; i < n; ++i)
        s += static_cast<char>('0' + rng.below(10));
    return s;
}

std::string luhnComplete(std::string body) // appends the Luhn check digit
{
    int sum = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        int d = body[body.size() - 1 - i] - '0';
        if (i % 2 == 0 && (d *= 2) > 9)
            d -= 9;
        sum += d;
    }
    return body + static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string ibanDe(Lcg &rng) // German IBAN with correct mod-97 check digits
{
    const std::string bban = digits(rng, 18);
    int mod = 0;
    for (char c : bban + "131400") // BBAN, "DE" as 13 14, check digits 00
        mod = (mod * 10 + (c - '0')) % 97;
    const int check = 98 - mod;
    std::string s = "DE" + std::string(check < 10 ? "0" : "") + std::to_string(check) + bban;
    for (std::size_t i = 4; i < s.size(); i += 5)
        s.insert(i, " ");
    return s;
}

std::string piiItem(Lcg &rng)
{
    constexpr std::array<std::string_view, 8> kAreas = {"415", "650", "212", "312", "617", "206", "512", "303"};
    constexpr std::array<std::string_view, 6> kNames = {"jane", "john.doe", "a.smith", "ops", "billing", "k.lee"};
    switch (rng.below(8)) {
    case 0: {
        const std::string n = luhnComplete("4" + digits(rng, 14));
        return n.substr(0, 4) + " " + n.substr(4, 4) + " " + n.substr(8, 4) + " " + n.substr(12, 4);
    }
    case 1:
        return std::to_string(100 + rng.below(500)) + "-" + std::to_string(10 + rng.below(90)) + "-"
            + std::to_string(1000 + rng.below(9000));
    case 2: return std::string(rng.pick(kNames)) + std::to_string(rng.below(100)) + "@example.com";
    case 3:
        return "(" + std::string(rng.pick(kAreas)) + ") " + std::to_string(200 + rng.below(800)) + "-" + digits(rng, 4);
    case 4:
        return std::to_string(rng.below(256)) + "." + std::to_string(rng.below(256)) + "."
            + std::to_string(rng.below(256)) + "." + std::to_string(rng.below(256));
    case 5: return ibanDe(rng);
    case 6: {
        std::string key = "AKIA";
        for (int i = 0; i < 16; ++i)
            key += "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[rng.below(32)];
        return key;
    }
    default: return "2001:db8::" + std::to_string(rng.below(10000)) + ":" + std::to_string(rng.below(10000));
    }
}

void appendProse(std::string &out, Lcg &rng)
{
    const auto n = 8 + rng.below(14);
    for (std::uint32_t i = 0; i < n; ++i) {
        out += rng.pick(kWords);
        out += i + 1 == n ? ". " : " ";
    }
    if (rng.below(4) == 0)
        out += "\n";
}

void appendLog(std::string &out, Lcg &rng)
{
    out += "2024-01-";
    out += std::to_string(10 + rng.below(20));
    out += "T12:";
    out += std::to_string(10 + rng.below(50));
    out += ":45.123Z INFO [worker-" + std::to_string(rng.below(8)) + "] GET /api/v1/orders/";
    out += std::to_string(100000 + rng.below(900000));
    out += " status=200 took=" + std::to_string(rng.below(900)) + "ms build 1.2." + std::to_string(rng.below(40))
        + "\n";
}

void appendJson(std::string &out, Lcg &rng)
{
    out += R"({"id": )" + std::to_string(rng.below(1000000)) + R"(, "name": "widget", "version": "2.10.)"
        + std::to_string(rng.below(9)) + R"(", "created": "2024-01-15", "price": )" + std::to_string(rng.below(500))
        + ".99, \"tags\": [\"a\", \"b\"]}\n";
}

std::string mixedText(std::size_t size)
{
    Lcg rng(20240115);
    std::string out;
    out.reserve(size + 4096);
    std::size_t nextPii = 2048;
    while (out.size() < size) {
        switch (rng.below(4)) {
        case 0: appendProse(out, rng); break;
        case 1: appendLog(out, rng); break;
        case 2: appendJson(out, rng); break;
        default: out += rng.pick(kCode); break;
        }
        if (out.size() >= nextPii) {
            out += " contact: ";
            out += piiItem(rng);
            out += " ";
            nextPii += 2048;
        }
    }
    return out;
}

const std::string &corpus()
{
    static const std::string text = mixedText(1 << 20);
    return text;
}

void BM_PiiFind(benchmark::State &state)
{
    const auto &det = osh::pii::PiiDetector::instance();
    const std::string &text = corpus();
    std::size_t matches = 0;
    for (auto _ : state) {
        auto m = det.find(text);
        matches = m.size();
        benchmark::DoNotOptimize(m.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["matches"] = static_cast<double>(matches);
}
BENCHMARK(BM_PiiFind)->Unit(benchmark::kMillisecond);

void BM_PiiContains(benchmark::State &state)
{
    // Worst case for contains(): no PII at all, so nothing stops the scan early.
    const auto &det = osh::pii::PiiDetector::instance();
    const std::string text = det.redact(corpus());
    for (auto _ : state)
        benchmark::DoNotOptimize(det.contains(text));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_PiiContains)->Unit(benchmark::kMillisecond);

void BM_PiiRedact(benchmark::State &state)
{
    const auto &det = osh::pii::PiiDetector::instance();
    const std::string &text = corpus();
    for (auto _ : state) {
        auto out = det.redact(text);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_PiiRedact)->Unit(benchmark::kMillisecond);

void BM_SafetyScore(benchmark::State &state)
{
    const auto &scorer = osh::pii::defaultSafetyScorer();
    const std::string &text = corpus();
    double score = 0;
    for (auto _ : state) {
        auto r = scorer.score(text);
        score = r.score.value_or(-1);
        benchmark::DoNotOptimize(score);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["score"] = score;
}
BENCHMARK(BM_SafetyScore)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
