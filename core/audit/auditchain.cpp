#include "auditchain.h"

#include "auditcheckpoint.h"

#include "auditreader.h"
#include "pgdb.h"
#include "pgreader.h"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <map>
#include <set>
#include <cstring>
#include <memory>

namespace osh::audit {

namespace {

// SHA-256 through OpenSSL, which uses the CPU's SHA instructions where
// there are some (a few times faster than a portable implementation, and
// every stored event is hashed once).
class Hasher
{
public:
    Hasher() : m_ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free)
    {
        if (!m_ctx || EVP_DigestInit_ex(m_ctx.get(), EVP_sha256(), nullptr) != 1)
            m_failed = true;
    }
    // Each field with its length first (8 bytes, little endian), so that no
    // two different events encode to the same bytes.
    void field(std::string_view s)
    {
        std::uint64_t n = s.size();
        unsigned char len[8];
        for (unsigned char &c : len) {
            c = static_cast<unsigned char>(n & 0xff);
            n >>= 8;
        }
        if (!m_failed && (EVP_DigestUpdate(m_ctx.get(), len, 8) != 1
                          || EVP_DigestUpdate(m_ctx.get(), s.data(), s.size()) != 1))
            m_failed = true;
    }
    // Empty when OpenSSL failed (out of memory): never a value that could
    // match a stored one.
    std::string hex()
    {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        if (m_failed || EVP_DigestFinal_ex(m_ctx.get(), md, &n) != 1 || n != 32)
            return {};
        std::string out(64, '0');
        for (unsigned int i = 0; i < n; ++i) {
            out[2 * i] = "0123456789abcdef"[md[i] >> 4];
            out[2 * i + 1] = "0123456789abcdef"[md[i] & 0xf];
        }
        return out;
    }

private:
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> m_ctx;
    bool m_failed = false;
};

bool isHex64(std::string_view s)
{
    if (s.size() != 64)
        return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

} // namespace

std::string chainStart(std::string_view sessionId)
{
    Hasher h;
    h.field("openshell-audit-chain-v1");
    h.field(sessionId);
    return h.hex();
}

std::string chainNext(std::string_view previous, const AuditEvent &e)
{
    Hasher h;
    h.field("openshell-audit-event-v1");
    h.field(previous);
    h.field(e.sessionId);
    h.field(std::to_string(e.seq));
    char ts[17];
    const auto bits = std::bit_cast<std::uint64_t>(e.ts);
    for (int i = 0; i < 16; ++i)
        ts[i] = "0123456789abcdef"[(bits >> (60 - 4 * i)) & 0xf];
    h.field(std::string_view(ts, 16));
    for (const std::string *f : {&e.type, &e.tool, &e.parameters, &e.decision, &e.layer, &e.policy, &e.message,
                                 &e.severity, &e.trace, &e.policyHash, &e.request})
        h.field(*f);
    return h.hex();
}

namespace {

// A session's checkpoints as read back, and what the events showed of each.
struct SignedHead
{
    Checkpoint c;
    bool valid = false;   // the signature verifies under the key it names
    bool foreign = false; // of another key than the one pinned
    bool seen = false;    // an event with its seq is stored
    bool matched = false; // and that event's chain value is the signed one
};

class CheckpointCheck
{
public:
    // Takes the session's checkpoints (all of them when every session's
    // are in `all`, grouped by session as AuditReader::checkpoints gives).
    void load(const std::string &session, const std::multimap<std::string, Checkpoint> &all, const std::string &pinned)
    {
        m_heads.clear();
        m_bySeq.clear();
        const auto [from, to] = all.equal_range(session);
        for (auto it = from; it != to; ++it) {
            SignedHead h;
            h.c = it->second;
            h.valid = checkpointSignatureValid(h.c);
            h.foreign = !pinned.empty() && h.c.key != pinned;
            m_bySeq.emplace(h.c.seq, m_heads.size());
            m_heads.push_back(std::move(h));
        }
    }

    bool empty() const { return m_heads.empty(); }

    void event(std::int64_t seq, const std::string &chain)
    {
        const auto [from, to] = m_bySeq.equal_range(seq);
        for (auto it = from; it != to; ++it) {
            SignedHead &h = m_heads[it->second];
            h.seen = true;
            h.matched = h.c.chain == chain;
        }
    }

    // Fills the report's checkpoint fields and, when the chain itself held,
    // breaks it at the first checkpoint that does not hold.
    void settle(ChainReport &r, std::int64_t lastSeq, const std::vector<std::int64_t> &seqs, bool pinned)
    {
        std::int64_t vouched = 0;
        bool broken = false;
        std::int64_t brokenSeq = 0;
        std::string problem;
        auto breakAt = [&](std::int64_t seq, std::string why) {
            if (!broken || seq < brokenSeq) {
                broken = true;
                brokenSeq = seq;
                problem = std::move(why);
            }
        };
        for (const SignedHead &h : m_heads) {
            const std::string at = "the checkpoint of seq " + std::to_string(h.c.seq);
            if (h.foreign) {
                breakAt(h.c.seq, at + " is signed by another key (" + h.c.key.substr(0, 16) + "...), not the one given");
                continue;
            }
            if (!h.valid) {
                breakAt(h.c.seq, at + " does not verify: its signature, seq, chain value or time was altered");
                continue;
            }
            if (r.signer.empty())
                r.signer = h.c.key;
            ++r.checkpoints;
            if (!h.seen) {
                breakAt(h.c.seq, seqs.empty() ? "every event of the session was removed (its signed checkpoints remain)"
                                 : h.c.seq > lastSeq ? "the session's last events were removed: seq " + std::to_string(h.c.seq)
                                                         + " was signed, the last stored is " + std::to_string(lastSeq)
                                                   : "seq " + std::to_string(h.c.seq) + " was signed and is not stored: it was removed");
                continue;
            }
            if (!h.matched) {
                // The signed value differs though the chain holds: it was
                // recomputed after an edit somewhere after the last value
                // that still matches a checkpoint.
                std::int64_t from = 1;
                for (const SignedHead &o : m_heads)
                    if (o.valid && !o.foreign && o.matched && o.c.seq < h.c.seq)
                        from = std::max(from, o.c.seq + 1);
                breakAt(from, "the chain was recomputed after an edit: its value at seq " + std::to_string(h.c.seq)
                                  + " is not the signed one; an event from seq " + std::to_string(from) + " to "
                                  + std::to_string(h.c.seq) + " was altered, removed or reordered");
                continue;
            }
            vouched = std::max(vouched, h.c.seq);
        }
        if (pinned && r.checkpoints == 0 && !broken && r.events > 0)
            breakAt(seqs.empty() ? 0 : seqs.front(), "no checkpoint signed by the key given: nothing vouches for the session");
        r.signedSeq = vouched;
        r.unsignedEvents = std::count_if(seqs.begin(), seqs.end(), [&](std::int64_t s) { return s > vouched; });
        // The chain's own break stands unless a checkpoint fails earlier.
        if (broken && (!r.broken || brokenSeq < r.brokenSeq)) {
            r.broken = true;
            r.brokenSeq = brokenSeq;
            r.problem = std::move(problem);
        }
    }

private:
    std::vector<SignedHead> m_heads;
    std::multimap<std::int64_t, std::size_t> m_bySeq;
};

} // namespace

std::unique_ptr<AuditReader> openChainReader(const std::string &path, std::string &error)
{
    if (PgDb::isConnectionString(path)) {
        auto pg = std::make_unique<PgReader>();
        std::string report;
        if (!pg->open(path, error))
            return nullptr;
        if (!pg->integrityCheck(report)) {
            error = "not an audit store of this version: " + report;
            return nullptr;
        }
        return pg;
    }
    auto file = std::make_unique<SqliteReader>();
    if (!file->open(path, 5000, error))
        return nullptr;
    int version = 0;
    if (!file->schemaVersion(version, error))
        return nullptr;
    if (version < 5) {
        error = "the store has schema version " + std::to_string(version)
                + ", which has no hash chains (open it with the service or a writer to upgrade it; events "
                  "stored until then stay unchained)";
        return nullptr;
    }
    return file;
}

bool verifyChains(const std::string &path, const VerifyOptions &options, std::vector<ChainReport> &out,
                  std::string &error)
{
    const auto reader = openChainReader(path, error);
    if (!reader)
        return false;
    VerifyOptions o = options;
    o.chainedFromTheStart = o.chainedFromTheStart || PgDb::isConnectionString(path);
    if (!verifyChains(*reader, o, out, error))
        return false;
    if (!options.sessionId.empty() && out.empty()) {
        error = "no session '" + options.sessionId + "' in " + (PgDb::isConnectionString(path) ? "the store" : path);
        return false;
    }
    return true;
}

bool verifyChains(AuditReader &reader, const VerifyOptions &options, std::vector<ChainReport> &out,
                  std::string &error)
{
    const std::string &sessionId = options.sessionId;
    const bool pinned = !options.key.empty();
    std::multimap<std::string, Checkpoint> signedHeads;
    {
        std::vector<Checkpoint> all;
        if (!reader.checkpoints(sessionId, all, error))
            return false;
        for (auto &c : all) {
            std::string session = c.sessionId;
            signedHeads.emplace(std::move(session), std::move(c));
        }
    }
    CheckpointCheck checkpoints;
    ChainReport *cur = nullptr;
    std::string previous;
    std::int64_t lastSeq = 0, maxSeq = 0;
    std::vector<std::int64_t> seqs;
    bool chained = false;
    // A break where seqs are missing: if they turn up later in the session,
    // the events were moved, not removed.
    std::int64_t gapFrom = 0, gapTo = -1;
    auto settle = [&] {
        if (cur && cur->broken && gapTo >= gapFrom && cur->problem.empty())
            cur->problem = "the events before it are missing (seq " + std::to_string(gapFrom)
                           + (gapTo > gapFrom ? " to " + std::to_string(gapTo) : std::string()) + ")";
        gapFrom = 0;
        gapTo = -1;
        if (cur)
            checkpoints.settle(*cur, maxSeq, seqs, pinned);
    };
    const bool read = reader.chainEvents(sessionId, [&](const AuditEvent &e) {
        if (!cur || cur->sessionId != e.sessionId) {
            settle();
            out.push_back({});
            cur = &out.back();
            cur->sessionId = e.sessionId;
            previous = chainStart(e.sessionId);
            lastSeq = maxSeq = 0;
            seqs.clear();
            chained = false;
            checkpoints.load(e.sessionId, signedHeads, options.key);
        }
        ++cur->events;
        seqs.push_back(e.seq);
        maxSeq = std::max(maxSeq, e.seq);
        const std::string &stored = e.chain;
        checkpoints.event(e.seq, stored);
        if (cur->broken) {
            if (gapTo >= gapFrom && e.seq >= gapFrom && e.seq <= gapTo && cur->problem.empty()) {
                cur->problem = "it is stored before seq " + std::to_string(e.seq)
                               + ", which comes earlier: events were reordered";
                gapTo = -1;
            }
            return true;
        }
        auto breakAt = [&](std::string problem) {
            cur->broken = true;
            cur->brokenSeq = e.seq;
            cur->problem = std::move(problem);
        };
        if (stored.empty() && !chained && !options.chainedFromTheStart) {
            ++cur->unchained; // recorded before the store had chains
            lastSeq = e.seq;
            return true;
        }
        chained = true;
        if (stored.empty()) {
            breakAt("its chain value was removed");
            return true;
        }
        if (!isHex64(stored)) {
            breakAt("its chain value is not a SHA-256 value");
            return true;
        }
        const std::string expected = chainNext(previous, e);
        if (stored != expected) {
            if (e.seq <= lastSeq)
                breakAt("it is out of order (after seq " + std::to_string(lastSeq) + ")");
            else if (e.seq > lastSeq + 1 && (lastSeq > 0 || cur->unchained == 0)) {
                breakAt({}); // missing or moved: settled when the session's rows are read
                gapFrom = lastSeq + 1;
                gapTo = e.seq - 1;
            }
            else
                breakAt("its content differs from what was recorded, or an event before it was removed or moved");
            return true;
        }
        previous = stored;
        lastSeq = e.seq;
        cur->head = stored;
        return true;
    }, error);
    if (!read)
        return false;
    settle();
    // Sessions whose events are all gone while their checkpoints remain.
    std::set<std::string> have;
    for (const auto &r : out)
        have.insert(r.sessionId);
    for (auto it = signedHeads.begin(); it != signedHeads.end(); it = signedHeads.upper_bound(it->first)) {
        if (have.count(it->first))
            continue;
        checkpoints.load(it->first, signedHeads, options.key);
        ChainReport r;
        r.sessionId = it->first;
        checkpoints.settle(r, 0, {}, pinned);
        out.push_back(std::move(r));
    }
    return true;
}

} // namespace osh::audit
