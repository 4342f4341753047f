#include "piidetector.h"

#include "piicandidate.h"
#include "piiencoded.h"
#include "piinormalise.h"
#include "piioverlap.h"
#include "piipatterns.h"

#include <hs/hs.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

namespace osh::pii {

namespace {

// Hyperscan block mode takes an unsigned length; larger texts are scanned in
// overlapping windows. Every trigger is far shorter than the overlap, so each
// lies whole inside some window; confirmation reads the full text, so matches
// are not cut at window edges (one found twice is merged by resolveOverlaps).
constexpr std::size_t kWindow = std::size_t {1} << 30;
constexpr std::size_t kOverlap = std::size_t {1} << 16;

std::string compileError(hs_compile_error_t *err)
{
    std::string msg = "PII pattern database: ";
    msg += err && err->message ? err->message : "unknown error";
    if (err && err->expression >= 0)
        msg += " (pattern " + std::to_string(err->expression) + ")";
    hs_free_compile_error(err);
    return msg;
}

struct ScanContext
{
    std::string_view text;
    std::size_t base; // offset of the scanned window in text
    PiiTypeSet types;
    bool stopAtFirst;
    std::span<const PatternSpec> patterns;
    std::vector<PiiMatch> *out;
    ConfirmState state;
};

int onCandidate(unsigned int id, unsigned long long, unsigned long long to, unsigned int, void *ctxPtr)
{
    auto *ctx = static_cast<ScanContext *>(ctxPtr);
    const PatternSpec &spec = ctx->patterns[id];
    if ((spec.types.bits() & ctx->types.bits()) == 0)
        return 0;
    const std::size_t before = ctx->out->size();
    confirmCandidate(ctx->text, spec, ctx->base + to, ctx->types, ctx->state, *ctx->out);
    // Non-zero halts hs_scan: contains() needs only one confirmed match.
    return ctx->stopAtFirst && ctx->out->size() > before ? 1 : 0;
}

} // namespace

struct PiiDetector::Private
{
    hs_database_t *db = nullptr;
    hs_scratch_t *prototype = nullptr;

    // Per-thread scratch cloned from the prototype; freed when the thread ends.
    hs_scratch_t *scratch() const
    {
        struct Holder
        {
            hs_scratch_t *s = nullptr;
            ~Holder() { hs_free_scratch(s); }
        };
        thread_local Holder holder;
        if (!holder.s && hs_clone_scratch(prototype, &holder.s) != HS_SUCCESS)
            throw std::runtime_error("PII detector: cannot allocate Hyperscan scratch");
        return holder.s;
    }

    // Runs every window of text through the database.
    void scan(ScanContext &ctx) const
    {
        hs_scratch_t *s = scratch();
        const std::string_view text = ctx.text;
        for (std::size_t pos = 0;; pos += kWindow - kOverlap) {
            const std::size_t len = std::min(kWindow, text.size() - pos);
            ctx.base = pos;
            const hs_error_t rc
                = hs_scan(db, text.data() + pos, static_cast<unsigned int>(len), 0, s, onCandidate, &ctx);
            if (rc == HS_SCAN_TERMINATED)
                return;
            if (rc != HS_SUCCESS)
                throw std::runtime_error("PII detector: hs_scan failed with code " + std::to_string(rc));
            if (pos + len == text.size())
                return;
        }
    }
};

PiiDetector::PiiDetector()
    : d(std::make_unique<Private>())
{
    static_assert(kWindow <= UINT_MAX && kOverlap < kWindow);
    const auto patterns = candidatePatterns();
    std::vector<const char *> expressions;
    std::vector<unsigned int> flags;
    std::vector<unsigned int> ids;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        expressions.push_back(patterns[i].expression);
        // No SOM: confirmation finds the start itself. Keywords in any case.
        flags.push_back(patterns[i].kind == PatternKind::SsnKeyword || patterns[i].kind == PatternKind::Iban
                                  || patterns[i].kind == PatternKind::IbanAfterBoundary
                                  || patterns[i].kind == PatternKind::EmailWordAt
                                  || patterns[i].kind == PatternKind::EmailKeyword
                              ? HS_FLAG_CASELESS
                              : 0);
        ids.push_back(static_cast<unsigned int>(i));

        // A trigger's start is computed from its length: make sure it is fixed.
        if (patterns[i].fixedLength) {
            hs_expr_info_t *info = nullptr;
            hs_compile_error_t *err = nullptr;
            if (hs_expression_info(patterns[i].expression, 0, &info, &err) != HS_SUCCESS)
                throw std::runtime_error(compileError(err));
            const bool fixed = info->min_width == patterns[i].fixedLength && info->max_width == patterns[i].fixedLength;
            std::free(info); // hs_expression_info allocates with the default (malloc) allocator
            if (!fixed)
                throw std::runtime_error("PII pattern " + std::to_string(i) + " is not of its trigger length");
        }
    }
    hs_compile_error_t *err = nullptr;
    if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned int>(patterns.size()),
            HS_MODE_BLOCK, nullptr, &d->db, &err)
        != HS_SUCCESS)
        throw std::runtime_error(compileError(err));
    if (hs_alloc_scratch(d->db, &d->prototype) != HS_SUCCESS)
        throw std::runtime_error("PII detector: cannot allocate Hyperscan scratch");
}

PiiDetector::~PiiDetector()
{
    hs_free_scratch(d->prototype);
    hs_free_database(d->db);
}

const PiiDetector &PiiDetector::instance()
{
    static const PiiDetector detector;
    return detector;
}

std::vector<PiiMatch> PiiDetector::find(std::string_view text, PiiTypeSet types) const
{
    return findAt(text, types, 0);
}

std::vector<PiiMatch> PiiDetector::findAt(std::string_view text, PiiTypeSet types, int depth) const
{
    std::vector<PiiMatch> candidates;
    if (text.empty() || types.empty())
        return candidates;
    // The scan reads the folded text (piinormalise.h); matches are given
    // in the original's offsets.
    const std::optional<NormalisedText> folded = NormalisedText::of(text);
    ScanContext ctx {folded ? std::string_view(folded->text()) : text, 0, types, false, candidatePatterns(), &candidates, {}};
    d->scan(ctx);
    if (depth < kMaxEncodingDepth)
        findEncodedPii(ctx.text, [&](std::string_view decoded) -> std::optional<PiiType> {
            const auto inner = findAt(decoded, types, depth + 1);
            return inner.empty() ? std::nullopt : std::optional<PiiType>(inner.front().type);
        }, candidates);
    std::vector<PiiMatch> matches = resolveOverlaps(std::move(candidates));
    if (folded) {
        for (PiiMatch &m : matches) {
            m.begin = folded->original(m.begin);
            m.end = folded->original(m.end);
        }
    }
    return matches;
}

bool PiiDetector::contains(std::string_view text, PiiTypeSet types) const
{
    if (text.empty() || types.empty())
        return false;
    // Any confirmed candidate survives overlap resolution in some form, so
    // the first one answers the question.
    std::vector<PiiMatch> first;
    const std::optional<NormalisedText> folded = NormalisedText::of(text);
    ScanContext ctx {folded ? std::string_view(folded->text()) : text, 0, types, true, candidatePatterns(), &first, {}};
    d->scan(ctx);
    if (first.empty())
        findEncodedPii(ctx.text, [&](std::string_view decoded) -> std::optional<PiiType> {
            const auto inner = findAt(decoded, types, 1);
            return inner.empty() ? std::nullopt : std::optional<PiiType>(inner.front().type);
        }, first);
    return !first.empty();
}

std::size_t PiiDetector::count(std::string_view text, PiiTypeSet types) const
{
    return find(text, types).size();
}

std::string PiiDetector::redact(std::string_view text, PiiTypeSet types) const
{
    const auto matches = find(text, types);
    std::string out;
    out.reserve(text.size() + matches.size() * 8);
    std::size_t pos = 0;
    for (const PiiMatch &m : matches) {
        out.append(text.substr(pos, m.begin - pos));
        out.append("[REDACTED:").append(typeName(m.type)).append("]");
        pos = m.end;
    }
    out.append(text.substr(pos));
    return out;
}

} // namespace osh::pii
