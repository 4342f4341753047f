// Evaluator: built-in functions.

#include "builtins.h"
#include "evaluator.h"
#include "regexcache.h"

#include "pii/piidetector.h"
#include "pii/piivalue.h"
#include "pii/safetyscorer.h"
#include "util/strings.h"

#include <QString>

#include <algorithm>
#include <cmath>
#include <re2/re2.h>

namespace osh::cond {

namespace {

bool isAscii(std::string_view s)
{
    for (const char c : s)
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    return true;
}

std::string changeCase(const std::string &s, bool upper)
{
    if (isAscii(s)) {
        std::string out(s);
        for (auto &c : out) {
            if (upper && c >= 'a' && c <= 'z')
                c = static_cast<char>(c - 'a' + 'A');
            else if (!upper && c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
        }
        return out;
    }
    const QString q = QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
    const QByteArray b = (upper ? q.toUpper() : q.toLower()).toUtf8();
    return std::string(b.constData(), static_cast<size_t>(b.size()));
}

pii::PiiTypeSet setFromBits(std::int64_t bits)
{
    pii::PiiTypeSet set;
    for (int i = 0; i < pii::kPiiTypeCount; ++i)
        if (bits & (std::int64_t(1) << i))
            set.add(static_cast<pii::PiiType>(i));
    return set;
}

} // namespace

// At most this many findings per call are traced; the call's own result
// (pii_count) says how many there were.
constexpr std::size_t kMaxTracedFindings = 8;
// A finding's place inside the argument ("in") keeps its last this many
// bytes: keys are agent text and can be long.
constexpr std::size_t kMaxTracedPlace = 256;

void Evaluator::recordPii(const Node &call, const Value &arg, pii::PiiTypeSet types)
{
    if (call.path < 0)
        return;
    const std::string &path = m_program.paths[static_cast<std::size_t>(call.path)];
    if (std::any_of(m_reads->begin() + static_cast<std::ptrdiff_t>(m_readsStart), m_reads->end(),
            [&](const Read &r) { return r.pii && r.path == path; }))
        return;
    const auto &detector = pii::PiiDetector::instance();
    ValueList findings;
    pii::forEachMatch(arg, types, kMaxTracedFindings,
        [&](const std::string &where, std::string_view text, const pii::PiiMatch &m) {
            const pii::PiiWhy why = detector.explain(text, m);
            ValueMap f;
            f.emplace("type", Value(std::string(pii::typeName(m.type))));
            if (where.size() > kMaxTracedPlace) // the innermost part
                f.emplace("in", Value("\u2026" + std::string(utf8Tail(where, kMaxTracedPlace))));
            else if (!where.empty())
                f.emplace("in", Value(where));
            f.emplace("begin", Value(static_cast<std::int64_t>(m.begin)));
            f.emplace("end", Value(static_cast<std::int64_t>(m.end)));
            f.emplace("check", Value(std::string(why.check)));
            if (!why.detail.empty())
                f.emplace("detail", Value(std::string(why.detail)));
            if (!why.keyword.empty())
                f.emplace("keyword", Value(std::string(why.keyword)));
            if (!why.seen.empty()) {
                ValueList seen;
                for (const std::string_view s : why.seen)
                    seen.emplace_back(std::string(s));
                f.emplace("seen", Value(std::move(seen)));
            }
            findings.emplace_back(std::move(f));
        });
    m_reads->push_back(Read {std::string_view(path), Value(std::move(findings)), true});
}

const Value *Evaluator::evalCall(std::int32_t n, Value &scratch)
{
    const Node &node = m_program.node(n);
    const auto f = static_cast<Func>(node.aux);
    const std::string_view name = funcSpec(f).name;
    Value t0;
    Value t1;
    const Value *a0 = eval(m_program.kid(n, 1), t0);
    if (!a0)
        return nullptr;
    const Value *a1 = nullptr;
    if (node.kidCount > 2 && !(a1 = eval(m_program.kid(n, 2), t1)))
        return nullptr;
    auto badArg = [&](int position, const Value &v, std::string_view expected) {
        if (funcSpec(f).maxArgs == 1)
            return fail(std::string(name) + "(" + tn(v) + "): expected " + std::string(expected));
        return fail(std::string(name) + "(): argument " + std::to_string(position) + ": expected "
            + std::string(expected) + ", got " + tn(v));
    };
    const bool anyText = f == Func::Len || f == Func::ContainsPii || f == Func::PiiCount;
    if (!anyText && !a0->isString())
        return badArg(1, *a0, "a string");

    switch (f) {
    case Func::ContainsPii:
    case Func::PiiCount: {
        pii::PiiTypeSet types;
        if (!piiTypes(node, a1, types))
            return nullptr;
        // Lists and maps are searched inside, numbers as their decimal text;
        // null and booleans hold no text (docs/conditions.md).
        std::string error;
        const auto found = pii::countInValue(*a0, types, f == Func::ContainsPii, error);
        if (!found)
            return fail(std::string(name) + "(): " + error);
        if (m_explainPii && *found > 0)
            recordPii(node, *a0, types);
        if (f == Func::ContainsPii)
            scratch = Value(*found > 0);
        else
            scratch = Value(static_cast<std::int64_t>(*found));
        return &scratch;
    }
    case Func::SafetyScore: {
        const pii::SafetyScorer *scorer = m_ctx ? m_ctx->safetyScorer() : nullptr;
        if (!scorer)
            return fail("safety_score(): no safety scorer is configured");
        const pii::ScoreResult r = scorer->score(a0->toString());
        if (!r.score)
            return fail("safety_score(): " + (r.error.empty() ? std::string("the scorer gave no score") : r.error));
        const double s = *r.score;
        if (!(s >= 0.0 && s <= 1.0))
            return fail("safety_score(): the scorer returned " + std::to_string(s) + ", outside [0, 1]");
        scratch = Value(s);
        return &scratch;
    }
    case Func::Len:
        if (a0->isString())
            scratch = Value(static_cast<std::int64_t>(utf8Length(a0->toString())));
        else if (a0->isList())
            scratch = Value(static_cast<std::int64_t>(a0->toList().size()));
        else if (a0->isMap())
            scratch = Value(static_cast<std::int64_t>(a0->toMap().size()));
        else
            return fail("len(" + tn(*a0) + "): expected string, list or map");
        return &scratch;
    case Func::Lower:
    case Func::Upper: scratch = Value(changeCase(a0->toString(), f == Func::Upper)); return &scratch;
    case Func::StartsWith:
    case Func::EndsWith:
        if (!a1->isString())
            return badArg(2, *a1, "a string");
        scratch = Value(f == Func::StartsWith ? std::string_view(a0->toString()).starts_with(a1->toString())
                                              : std::string_view(a0->toString()).ends_with(a1->toString()));
        return &scratch;
    case Func::Matches: {
        if (!a1->isString())
            return badArg(2, *a1, "a string");
        bool matched = false;
        if (!regexMatch(node, *a0, *a1, matched))
            return nullptr;
        scratch = Value(matched);
        return &scratch;
    }
    }
    return fail("internal error: unknown function");
}

// The explicit types list, or the one the checker stored (the policy's default).
bool Evaluator::piiTypes(const Node &node, const Value *list, pii::PiiTypeSet &set)
{
    if (node.extra >= 0) {
        set = setFromBits(node.extra);
        return true;
    }
    const std::string fname(funcSpec(static_cast<Func>(node.aux)).name);
    if (!list || !list->isList()) {
        fail(fname + "(): argument 2: expected a list of PII type names, got " + (list ? tn(*list) : "nothing"));
        return false;
    }
    for (const auto &item : list->toList()) {
        const auto t = item.isString() ? pii::typeFromName(item.toString()) : std::nullopt;
        if (!t) {
            fail(fname + "(): unknown PII type " + (item.isString() ? "'" + item.toString() + "'" : tn(item)));
            return false;
        }
        set.add(*t);
    }
    return true;
}

bool Evaluator::regexMatch(const Node &node, const Value &subject, const Value &pattern, bool &result)
{
    std::shared_ptr<const re2::RE2> dynamic;
    const re2::RE2 *re = nullptr;
    if (node.extra >= 0) {
        re = m_program.regexes[static_cast<size_t>(node.extra)].get();
    } else {
        std::string error;
        dynamic = m_program.regexCache->get(pattern.toString(), error);
        if (!dynamic) {
            fail("matches(): invalid regular expression: " + error);
            return false;
        }
        re = dynamic.get();
    }
    const std::string &s = subject.toString();
    result = re2::RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *re);
    return true;
}

} // namespace osh::cond
