#pragma once
// A deterministic, labelled PII corpus for scoring PII detectors
// (bench/bench_pii_corpus.cpp, bench/pii_vs_peers.sh). Documents of ordinary
// kinds (tickets, logs, JSON, code, chat, emails) hold labelled items: the
// exact byte span and type of every PII item, and of every hard negative
// (text that looks like PII and is not). A fixed LCG, not <random>: the same
// bytes on every platform and run, so figures from different runs and
// detectors compare.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace osh::bench {

// The type of a negative label: something no detector should flag.
inline constexpr std::string_view kNegativeType = "negative";

struct CorpusLabel
{
    std::string type; // a PII type name ("ssn", "credit_card", ... as pii::typeName) or kNegativeType
    std::string form; // how it is written: "grouped", "fullwidth", "base64", ...; for negatives what it is
    std::size_t begin; // byte offsets into the document's text, [begin, end)
    std::size_t end;
};

struct CorpusDoc
{
    std::string slice; // "ordinary", "obfuscated", "beyond_scope" or "hard_negative"
    std::string kind; // "ticket", "log", "json", "code", "chat" or "email"
    std::string text; // UTF-8
    std::vector<CorpusLabel> labels; // in text order
};

inline constexpr std::string_view kCorpusSlices[] = {"ordinary", "obfuscated", "beyond_scope", "hard_negative"};

// The whole corpus, slices in the order of kCorpusSlices: about 1,500
// ordinary items, 1,500 obfuscated ones, 300 written in forms docs/pii.md
// says are not read (measured, no target) and 2,000 hard negatives.
std::vector<CorpusDoc> generatePiiCorpus();

// One document as a line of JSON (no newline): {"slice","kind","text",
// "labels":[{"type","form","begin","end"}]}, offsets in UTF-8 bytes.
std::string corpusDocJson(const CorpusDoc &doc);

} // namespace osh::bench
