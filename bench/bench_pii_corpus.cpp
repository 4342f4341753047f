// Scores PII detectors on the labelled corpus of piicorpus.h: PiiDetector
// itself, and peers whose predictions come from bench/peers/pii/score.mjs
// (bench/pii_vs_peers.sh runs it all). A measurement, not a test: the exit
// status is 0 whether the targets are met or not, 1 on errors, 2 on usage.
//
//   bench_pii_corpus [--write-corpus FILE] [--score-peer [NAME=]FILE]... [--rounds N] [--examples N]
//                    [--write-ours FILE]
//
// Scoring. A prediction is a true positive when it overlaps a labelled PII
// span of the same type (overlap, not equality: detectors disagree on
// extents, e.g. whether a keyword or the quotes of a split number belong to
// the match); otherwise it is a false positive, predictions on hard
// negatives and on unlabelled filler included. A label is found when a
// prediction of its type overlaps it. Precision = TP / (TP + FP), recall =
// found / labels, F2 = 5PR / (4P + R). A hard negative is flagged when a
// prediction of any type overlaps it.

#include "piicorpus.h"

#include "pii/piidetector.h"
#include "pii/piitype.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using osh::bench::CorpusDoc;
using osh::bench::CorpusLabel;

struct Prediction
{
    std::string type;
    std::size_t begin;
    std::size_t end;
};

// One detector's predictions for every document of the corpus, and how fast it was.
struct Detector
{
    std::string name;
    std::vector<std::vector<Prediction>> predictions; // per document
    std::string timed; // what the throughput figure covers
    double mbPerSecond = 0;
};

struct Counts
{
    long tp = 0; // predictions overlapping a label of their type
    long fp = 0; // other predictions
    long found = 0; // labels some prediction of their type overlaps
    long labels = 0;
    double precision() const { return tp + fp ? double(tp) / double(tp + fp) : -1; }
    double recall() const { return labels ? double(found) / double(labels) : -1; }
    double f2() const
    {
        const double p = precision(), r = recall();
        return p < 0 || r < 0 || p + r == 0 ? (p < 0 || r < 0 ? -1 : 0) : 5 * p * r / (4 * p + r);
    }
};

// Everything the tables print, for one detector.
struct Score
{
    std::map<std::string, std::map<std::string, Counts>> byType; // slice -> type ("all" too)
    std::map<std::string, std::map<std::string, Counts>> byForm; // slice -> form of the labels (found / labels)
    std::map<std::string, Counts> negatives; // negative form -> found = flagged
    Counts allNegatives;
};

bool overlaps(std::size_t b1, std::size_t e1, std::size_t b2, std::size_t e2)
{
    return b1 < e2 && b2 < e1;
}

Score score(const std::vector<CorpusDoc> &docs, const Detector &det)
{
    Score s;
    for (std::size_t d = 0; d < docs.size(); ++d) {
        const CorpusDoc &doc = docs[d];
        const auto &preds = det.predictions[d];
        auto &types = s.byType[doc.slice];
        for (const Prediction &p : preds) {
            const bool hit = std::any_of(doc.labels.begin(), doc.labels.end(),
                [&](const CorpusLabel &l) { return l.type == p.type && overlaps(p.begin, p.end, l.begin, l.end); });
            for (const std::string &t : {p.type, std::string("all")})
                ++(hit ? types[t].tp : types[t].fp);
        }
        for (const CorpusLabel &l : doc.labels) {
            if (l.type == osh::bench::kNegativeType) {
                const bool flagged = std::any_of(preds.begin(), preds.end(),
                    [&](const Prediction &p) { return overlaps(p.begin, p.end, l.begin, l.end); });
                for (Counts *c : {&s.negatives[l.form], &s.allNegatives}) {
                    ++c->labels;
                    c->found += flagged;
                }
                continue;
            }
            const bool found = std::any_of(preds.begin(), preds.end(),
                [&](const Prediction &p) { return p.type == l.type && overlaps(p.begin, p.end, l.begin, l.end); });
            for (Counts *c : {&types[l.type], &types["all"], &s.byForm[doc.slice][l.form]}) {
                ++c->labels;
                c->found += found;
            }
        }
    }
    return s;
}

double seconds(std::chrono::steady_clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

std::size_t corpusBytes(const std::vector<CorpusDoc> &docs)
{
    std::size_t n = 0;
    for (const CorpusDoc &d : docs)
        n += d.text.size();
    return n;
}

// PiiDetector::find() on every document; the throughput is the median of rounds.
Detector runOurs(const std::vector<CorpusDoc> &docs, int rounds)
{
    const auto &det = osh::pii::PiiDetector::instance();
    Detector out {"ours", {}, "PiiDetector::find() per document, in process, median of rounds", 0};
    out.predictions.resize(docs.size());
    for (std::size_t d = 0; d < docs.size(); ++d)
        for (const osh::pii::PiiMatch &m : det.find(docs[d].text))
            out.predictions[d].push_back(Prediction {std::string(osh::pii::typeName(m.type)), m.begin, m.end});
    std::vector<double> times;
    std::size_t sink = 0;
    for (int r = 0; r < rounds; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        for (const CorpusDoc &doc : docs)
            sink += det.find(doc.text).size();
        times.push_back(seconds(std::chrono::steady_clock::now() - t0));
    }
    std::sort(times.begin(), times.end());
    const double median
        = times.size() % 2 ? times[times.size() / 2] : (times[times.size() / 2 - 1] + times[times.size() / 2]) / 2;
    out.mbPerSecond = double(corpusBytes(docs)) / 1e6 / median;
    if (sink == 0)
        std::fprintf(stderr, "note: no matches at all\n");
    return out;
}

// Reads score.mjs's output: a header line {"library","version","timed","bytes","seconds"}, then one line per
// document {"doc": index, "matches": [{"type","begin","end"}]} with UTF-8 byte offsets, in corpus order.
std::optional<Detector> readPeer(const std::string &name, const std::string &path, const std::vector<CorpusDoc> &docs)
{
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "bench_pii_corpus: cannot read %s\n", path.c_str());
        return std::nullopt;
    }
    auto parse = [&](const std::string &line, long lineNo) -> std::optional<QJsonObject> {
        QJsonParseError err;
        const QJsonDocument j = QJsonDocument::fromJson(QByteArray::fromStdString(line), &err);
        if (err.error != QJsonParseError::NoError || !j.isObject()) {
            std::fprintf(stderr, "bench_pii_corpus: %s:%ld: not a JSON object (%s)\n", path.c_str(), lineNo,
                err.errorString().toStdString().c_str());
            return std::nullopt;
        }
        return j.object();
    };
    std::string line;
    if (!std::getline(in, line)) {
        std::fprintf(stderr, "bench_pii_corpus: %s is empty\n", path.c_str());
        return std::nullopt;
    }
    const auto header = parse(line, 1);
    if (!header)
        return std::nullopt;
    Detector det;
    det.name = name.empty() ? header->value(QStringLiteral("library")).toString().toStdString() : name;
    const QString version = header->value(QStringLiteral("version")).toString();
    if (name.empty() && !version.isEmpty())
        det.name += " " + version.toStdString();
    det.timed = header->value(QStringLiteral("timed")).toString().toStdString();
    const double secs = header->value(QStringLiteral("seconds")).toDouble();
    const double bytes = header->value(QStringLiteral("bytes")).toDouble();
    det.mbPerSecond = secs > 0 ? bytes / 1e6 / secs : 0;
    det.predictions.resize(docs.size());
    long lineNo = 1;
    std::size_t seen = 0;
    long unknown = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.empty())
            continue;
        const auto o = parse(line, lineNo);
        if (!o)
            return std::nullopt;
        const qint64 doc = o->value(QStringLiteral("doc")).toInteger(-1);
        if (doc != qint64(seen) || seen >= docs.size()) {
            std::fprintf(stderr, "bench_pii_corpus: %s:%ld: document %lld out of order (expected %zu of %zu)\n",
                path.c_str(), lineNo, static_cast<long long>(doc), seen, docs.size());
            return std::nullopt;
        }
        for (const QJsonValue &v : o->value(QStringLiteral("matches")).toArray()) {
            const QJsonObject m = v.toObject();
            Prediction p {m.value(QStringLiteral("type")).toString().toStdString(),
                static_cast<std::size_t>(m.value(QStringLiteral("begin")).toInteger(-1)),
                static_cast<std::size_t>(m.value(QStringLiteral("end")).toInteger(-1))};
            if (!osh::pii::typeFromName(p.type)) {
                ++unknown; // score.mjs drops what it does not map; anything else is a bug there
                continue;
            }
            if (p.begin > p.end || p.end > docs[seen].text.size()) {
                std::fprintf(stderr, "bench_pii_corpus: %s:%ld: span [%zu, %zu) outside the text\n", path.c_str(),
                    lineNo, p.begin, p.end);
                return std::nullopt;
            }
            det.predictions[seen].push_back(std::move(p));
        }
        ++seen;
    }
    if (seen != docs.size()) {
        std::fprintf(stderr, "bench_pii_corpus: %s has %zu documents, the corpus %zu (another corpus version?)\n",
            path.c_str(), seen, docs.size());
        return std::nullopt;
    }
    if (unknown)
        std::fprintf(stderr, "bench_pii_corpus: %s: %ld predictions of unknown types ignored\n", path.c_str(), unknown);
    return det;
}

// Our predictions in the format readPeer() reads, to compare them with a peer's line by line.
bool writePredictions(const std::string &path, const Detector &det)
{
    std::ofstream out(path, std::ios::binary);
    out << R"({"library":"ours","version":"","timed":")" << det.timed << R"(","bytes":0,"seconds":0})" << '\n';
    for (std::size_t d = 0; d < det.predictions.size(); ++d) {
        out << R"({"doc":)" << d << R"(,"matches":[)";
        for (std::size_t i = 0; i < det.predictions[d].size(); ++i) {
            const Prediction &p = det.predictions[d][i];
            out << (i ? "," : "") << R"({"type":")" << p.type << R"(","begin":)" << p.begin << R"(,"end":)" << p.end
                << "}";
        }
        out << "]}\n";
    }
    if (!out.flush()) {
        std::fprintf(stderr, "bench_pii_corpus: cannot write %s\n", path.c_str());
        return false;
    }
    return true;
}

std::string fmt(double v, int decimals = 3)
{
    if (v < 0)
        return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string pct(long n, long of)
{
    return of ? fmt(100.0 * double(n) / double(of), 2) + "%" : "-";
}

void printRule(std::size_t detectors)
{
    std::printf("%s\n", std::string(24 + 25 * detectors, '-').c_str());
}

void printHeader(const char *first, const std::vector<Detector> &dets, const char *sub)
{
    std::printf("%-24s", first);
    for (const Detector &d : dets)
        std::printf(" | %-22s", d.name.substr(0, 22).c_str());
    std::printf("\n%-24s", "");
    for (std::size_t i = 0; i < dets.size(); ++i)
        std::printf(" | %-22s", sub);
    std::printf("\n");
    printRule(dets.size());
}

// Text for a one-line example: control characters escaped, the span in [[ ]].
std::string example(const std::string &text, std::size_t begin, std::size_t end)
{
    const std::size_t from = begin > 40 ? begin - 40 : 0;
    const std::size_t to = std::min(text.size(), end + 40);
    std::string out;
    for (std::size_t i = from; i < to; ++i) {
        if (i == begin)
            out += "[[";
        if (i == end)
            out += "]]";
        const char c = text[i];
        out += c == '\n' ? std::string("\\n") : c == '\t' ? std::string("\\t") : std::string(1, c);
    }
    if (end >= to)
        out += "]]";
    return out;
}

void printExamples(const std::vector<CorpusDoc> &docs, const Detector &det, int perSlice)
{
    for (std::string_view slice : osh::bench::kCorpusSlices) {
        int missed = 0, falsePos = 0;
        std::printf("\n%s, %s: missed labels (first %d)\n", det.name.c_str(), std::string(slice).c_str(), perSlice);
        for (std::size_t d = 0; d < docs.size() && missed < perSlice; ++d) {
            if (docs[d].slice != slice)
                continue;
            for (const CorpusLabel &l : docs[d].labels) {
                if (l.type == osh::bench::kNegativeType || missed >= perSlice)
                    continue;
                const auto &preds = det.predictions[d];
                if (std::none_of(preds.begin(), preds.end(), [&](const Prediction &p) {
                        return p.type == l.type && overlaps(p.begin, p.end, l.begin, l.end);
                    })) {
                    std::printf("  doc %zu %s/%s: %s\n", d, l.type.c_str(), l.form.c_str(),
                        example(docs[d].text, l.begin, l.end).c_str());
                    ++missed;
                }
            }
        }
        std::printf("%s, %s: false positives (first %d)\n", det.name.c_str(), std::string(slice).c_str(), perSlice);
        for (std::size_t d = 0; d < docs.size() && falsePos < perSlice; ++d) {
            if (docs[d].slice != slice)
                continue;
            for (const Prediction &p : det.predictions[d]) {
                if (falsePos >= perSlice)
                    break;
                const auto &labels = docs[d].labels;
                if (std::none_of(labels.begin(), labels.end(), [&](const CorpusLabel &l) {
                        return l.type == p.type && overlaps(p.begin, p.end, l.begin, l.end);
                    })) {
                    std::printf(
                        "  doc %zu as %s: %s\n", d, p.type.c_str(), example(docs[d].text, p.begin, p.end).c_str());
                    ++falsePos;
                }
            }
        }
    }
}

int usage()
{
    std::fprintf(stderr,
        "usage: bench_pii_corpus [--write-corpus FILE] [--score-peer [NAME=]FILE]... [--rounds N] [--examples N]\n"
        "  --write-corpus FILE  write the corpus as JSONL and stop\n"
        "  --score-peer FILE    score a peer's predictions (bench/peers/pii/score.mjs) beside ours\n"
        "  --rounds N           timing rounds of PiiDetector::find() over the corpus (default 5)\n"
        "  --examples N         list up to N missed labels and false positives per slice for each detector\n"
        "  --write-ours FILE    also write our predictions in score.mjs's format\n");
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    std::string writePath;
    std::string oursPath;
    std::vector<std::pair<std::string, std::string>> peers; // name (may be empty), file
    int rounds = 5;
    int examples = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--write-corpus" && hasValue) {
            writePath = argv[++i];
        } else if (a == "--write-ours" && hasValue) {
            oursPath = argv[++i];
        } else if (a == "--score-peer" && hasValue) {
            const std::string v = argv[++i];
            const auto eq = v.find('=');
            peers.emplace_back(eq == std::string::npos ? std::string() : v.substr(0, eq),
                eq == std::string::npos ? v : v.substr(eq + 1));
        } else if ((a == "--rounds" || a == "--examples") && hasValue) {
            const int n = std::atoi(argv[++i]);
            if (n < (a == "--rounds" ? 1 : 0))
                return usage();
            (a == "--rounds" ? rounds : examples) = n;
        } else if (a.starts_with("--benchmark_")) {
            continue; // scripts/bench.sh style options of the Google Benchmark executables: nothing to filter here
        } else {
            return usage();
        }
    }

    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<CorpusDoc> docs = osh::bench::generatePiiCorpus();
    const double genSeconds = seconds(std::chrono::steady_clock::now() - t0);

    if (!writePath.empty()) {
        std::ofstream out(writePath, std::ios::binary);
        for (const CorpusDoc &d : docs)
            out << osh::bench::corpusDocJson(d) << '\n';
        if (!out.flush()) {
            std::fprintf(stderr, "bench_pii_corpus: cannot write %s\n", writePath.c_str());
            return 1;
        }
        std::fprintf(stderr, "wrote %zu documents (%zu bytes of text) to %s\n", docs.size(), corpusBytes(docs),
            writePath.c_str());
        return 0;
    }

    std::vector<Detector> dets;
    dets.push_back(runOurs(docs, rounds));
    if (!oursPath.empty() && !writePredictions(oursPath, dets.front()))
        return 1;
    for (const auto &[name, path] : peers) {
        auto det = readPeer(name, path, docs);
        if (!det)
            return 1;
        dets.push_back(std::move(*det));
    }
    std::vector<Score> scores;
    for (const Detector &d : dets)
        scores.push_back(score(docs, d));

    // What the corpus holds.
    std::map<std::string, std::map<std::string, long>> sizes; // slice -> type -> labels
    for (const CorpusDoc &d : docs)
        for (const CorpusLabel &l : d.labels)
            ++sizes[d.slice][l.type];
    std::printf("corpus: %zu documents, %zu bytes of text, generated in %.1f ms\n", docs.size(), corpusBytes(docs),
        genSeconds * 1e3);
    for (std::string_view slice : osh::bench::kCorpusSlices) {
        std::printf("  %-14s", std::string(slice).c_str());
        for (const auto &[type, n] : sizes[std::string(slice)])
            std::printf(" %s %ld", type.c_str(), n);
        std::printf("\n");
    }

    for (std::string_view sliceView :
        {std::string_view("ordinary"), std::string_view("obfuscated"), std::string_view("beyond_scope")}) {
        const std::string slice(sliceView);
        std::printf("\n== %s: precision / recall / F2 per type (labels)%s\n", slice.c_str(),
            slice == "beyond_scope" ? "; forms docs/pii.md says are not read, no target" : "");
        printHeader("type", dets, "P      R      F2");
        std::vector<std::string> rows;
        for (std::string_view t : osh::pii::allTypeNames())
            rows.emplace_back(t);
        rows.emplace_back("all");
        for (const std::string &t : rows) {
            const auto &ours = scores[0].byType.at(slice);
            const long labels = ours.count(t) ? ours.at(t).labels : 0;
            std::printf("%-24s", (t + " (" + std::to_string(labels) + ")").c_str());
            for (const Score &s : scores) {
                const auto &types = s.byType.at(slice);
                const auto it = types.find(t);
                const Counts c = it == types.end() ? Counts {} : it->second;
                std::printf(
                    " | %-6s %-6s %-8s", fmt(c.precision()).c_str(), fmt(c.recall()).c_str(), fmt(c.f2()).c_str());
            }
            std::printf("\n");
        }
        std::printf("\n%s: recall per written form (labels)\n", slice.c_str());
        printHeader("form", dets, "recall");
        for (const auto &[form, c0] : scores[0].byForm.at(slice)) {
            std::printf("%-24s", (form + " (" + std::to_string(c0.labels) + ")").c_str());
            for (const Score &s : scores)
                std::printf(" | %-22s", fmt(s.byForm.at(slice).at(form).recall()).c_str());
            std::printf("\n");
        }
    }

    std::printf("\n== hard_negative: negatives flagged (any prediction overlapping them)\n");
    printHeader("what (items)", dets, "flagged");
    for (const auto &[form, c0] : scores[0].negatives) {
        std::printf("%-24s", (form + " (" + std::to_string(c0.labels) + ")").c_str());
        for (const Score &s : scores) {
            const Counts &c = s.negatives.at(form);
            std::printf(" | %-22s", (pct(c.found, c.labels) + " (" + std::to_string(c.found) + ")").c_str());
        }
        std::printf("\n");
    }
    std::printf("%-24s", ("all (" + std::to_string(scores[0].allNegatives.labels) + ")").c_str());
    for (const Score &s : scores)
        std::printf(" | %-22s",
            (pct(s.allNegatives.found, s.allNegatives.labels) + " (" + std::to_string(s.allNegatives.found) + ")")
                .c_str());
    std::printf("\n%-24s", "predictions in slice");
    for (const Score &s : scores) {
        const auto it = s.byType.find("hard_negative");
        const long n = it == s.byType.end() || !it->second.count("all") ? 0 : it->second.at("all").fp;
        std::printf(" | %-22ld", n);
    }
    std::printf("\n");

    std::printf("\n== targets\n");
    printHeader("target", dets, "value");
    auto allOf = [](const Score &s, const char *slice) {
        const auto it = s.byType.find(slice);
        return it == s.byType.end() || !it->second.count("all") ? Counts {} : it->second.at("all");
    };
    std::printf("%-24s", "ordinary F2 >= 0.99");
    for (const Score &s : scores) {
        const double f2 = allOf(s, "ordinary").f2();
        std::printf(" | %-22s", (fmt(f2) + (f2 >= 0.99 ? " PASS" : " MISS")).c_str());
    }
    std::printf("\n%-24s", "obfusc. R>=.90 at P>=.98");
    for (const Score &s : scores) {
        const Counts c = allOf(s, "obfuscated");
        const bool ok = c.recall() >= 0.90 && c.precision() >= 0.98;
        std::printf(" | %-22s", (fmt(c.recall()) + " @P " + fmt(c.precision()) + (ok ? " PASS" : " MISS")).c_str());
    }
    std::printf("\n%-24s", "negatives flagged <=0.5%");
    for (const Score &s : scores) {
        const Counts &c = s.allNegatives;
        const bool ok = c.labels && double(c.found) <= 0.005 * double(c.labels);
        std::printf(" | %-22s", (pct(c.found, c.labels) + (ok ? " PASS" : " MISS")).c_str());
    }
    std::printf("\n\n== throughput over the corpus text (%zu bytes)\n", corpusBytes(docs));
    for (const Detector &d : dets)
        std::printf("%-24s %8.2f MB/s  %s\n", d.name.c_str(), d.mbPerSecond, d.timed.c_str());

    if (examples > 0)
        for (const Detector &d : dets)
            printExamples(docs, d, examples);
    return 0;
}
