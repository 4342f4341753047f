#include "auditchain.h"

#include "auditcheckpoint.h"

#include "auditreader.h"
#include "auditschema.h"
#include "sqlitedb.h"
#include "sqlitestmt.h"

#include <sqlite3.h>

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
    bool prepare(SqliteDb &db, std::string &error)
    {
        return m_read.prepare(db.handle(),
                              "SELECT seq, chain, ts, key, signature FROM checkpoints WHERE session_id = ?1 ORDER BY id",
                              error);
    }

    bool load(const std::string &session, const std::string &pinned, std::string &error)
    {
        m_heads.clear();
        m_bySeq.clear();
        m_read.reset();
        m_read.bindText(1, session);
        int rc;
        while ((rc = m_read.step()) == SQLITE_ROW) {
            SignedHead h;
            h.c.sessionId = session;
            h.c.seq = m_read.int64(0);
            h.c.chain = m_read.text(1);
            h.c.ts = m_read.real(2);
            h.c.key = m_read.text(3);
            h.c.signature = m_read.text(4);
            h.valid = checkpointSignatureValid(h.c);
            h.foreign = !pinned.empty() && h.c.key != pinned;
            m_bySeq.emplace(h.c.seq, m_heads.size());
            m_heads.push_back(std::move(h));
        }
        m_read.reset();
        if (rc != SQLITE_DONE) {
            error = sqlite3_errstr(rc);
            return false;
        }
        return true;
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
    SqliteStmt m_read;
    std::vector<SignedHead> m_heads;
    std::multimap<std::int64_t, std::size_t> m_bySeq;
};

} // namespace

bool verifyChains(const std::string &path, const VerifyOptions &options, std::vector<ChainReport> &out,
                  std::string &error)
{
    const std::string &sessionId = options.sessionId;
    const bool pinned = !options.key.empty();
    SqliteDb db;
    if (!db.open(path, false, error))
        return false;
    sqlite3_busy_timeout(db.handle(), 5000);
    int version = 0;
    if (!AuditSchema::version(db, version, error))
        return false;
    if (version < 5) {
        error = "the store has schema version " + std::to_string(version)
                + ", which has no hash chains (open it with the service or a writer to upgrade it; events stored "
                  "until then stay unchained)";
        return false;
    }
    CheckpointCheck checkpoints;
    if (!checkpoints.prepare(db, error))
        return false;
    // In insertion order (row id) within each session: the order the chain
    // was built in. A seq moved to another row shows as a broken chain.
    SqliteStmt st;
    const char *sql = sessionId.empty()
                          ? "SELECT session_id, seq, ts, type, tool, parameters, decision, layer, policy, message, "
                            "severity, trace, policy_hash, request, chain FROM events ORDER BY session_id, id"
                          : "SELECT session_id, seq, ts, type, tool, parameters, decision, layer, policy, message, "
                            "severity, trace, policy_hash, request, chain FROM events WHERE session_id = ?1 ORDER BY id";
    if (!st.prepare(db.handle(), sql, error))
        return false;
    if (!sessionId.empty())
        st.bindText(1, sessionId);
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
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
        AuditEvent e;
        e.sessionId = st.text(0);
        if (!cur || cur->sessionId != e.sessionId) {
            settle();
            out.push_back({});
            cur = &out.back();
            cur->sessionId = e.sessionId;
            previous = chainStart(e.sessionId);
            lastSeq = maxSeq = 0;
            seqs.clear();
            chained = false;
            if (!checkpoints.load(e.sessionId, options.key, error))
                return false;
        }
        ++cur->events;
        e.seq = st.int64(1);
        seqs.push_back(e.seq);
        maxSeq = std::max(maxSeq, e.seq);
        const std::string stored = st.text(14);
        checkpoints.event(e.seq, stored);
        if (cur->broken) {
            if (gapTo >= gapFrom && e.seq >= gapFrom && e.seq <= gapTo && cur->problem.empty()) {
                cur->problem = "it is stored before seq " + std::to_string(e.seq)
                               + ", which comes earlier: events were reordered";
                gapTo = -1;
            }
            continue;
        }
        readEventColumns(st, e);        auto breakAt = [&](std::string problem) {
            cur->broken = true;
            cur->brokenSeq = e.seq;
            cur->problem = std::move(problem);
        };
        if (stored.empty() && !chained) {
            ++cur->unchained; // recorded before the store had chains
            lastSeq = e.seq;
            continue;
        }
        chained = true;
        if (stored.empty()) {
            breakAt("its chain value was removed");
            continue;
        }
        if (!isHex64(stored)) {
            breakAt("its chain value is not a SHA-256 value");
            continue;
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
            continue;
        }
        previous = stored;
        lastSeq = e.seq;
        cur->head = stored;
    }
    if (rc != SQLITE_DONE) {
        error = db.errorMessage();
        return false;
    }
    settle();
    // Sessions whose events are all gone while their checkpoints remain.
    SqliteStmt orphans;
    if (!orphans.prepare(db.handle(),
                         sessionId.empty() ? "SELECT DISTINCT session_id FROM checkpoints ORDER BY session_id"
                                           : "SELECT DISTINCT session_id FROM checkpoints WHERE session_id = ?1",
                         error))
        return false;
    if (!sessionId.empty())
        orphans.bindText(1, sessionId);
    std::set<std::string> have;
    for (const auto &r : out)
        have.insert(r.sessionId);
    while ((rc = orphans.step()) == SQLITE_ROW) {
        const std::string session = orphans.text(0);
        if (have.count(session))
            continue;
        if (!checkpoints.load(session, options.key, error))
            return false;
        ChainReport r;
        r.sessionId = session;
        checkpoints.settle(r, 0, {}, pinned);
        out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) {
        error = db.errorMessage();
        return false;
    }
    if (!sessionId.empty() && out.empty()) {
        error = "no session '" + sessionId + "' in " + path;
        return false;
    }
    return true;
}

} // namespace osh::audit
