#include "auditchain.h"

#include "auditreader.h"
#include "auditschema.h"
#include "sqlitedb.h"
#include "sqlitestmt.h"

#include <sqlite3.h>

#include <openssl/evp.h>

#include <bit>
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

bool verifyChains(const std::string &path, const std::string &sessionId, std::vector<ChainReport> &out,
                  std::string &error)
{
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
    std::int64_t lastSeq = 0;
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
            lastSeq = 0;
            chained = false;
        }
        ++cur->events;
        e.seq = st.int64(1);
        if (cur->broken) {
            if (gapTo >= gapFrom && e.seq >= gapFrom && e.seq <= gapTo && cur->problem.empty()) {
                cur->problem = "it is stored before seq " + std::to_string(e.seq)
                               + ", which comes earlier: events were reordered";
                gapTo = -1;
            }
            continue;
        }
        readEventColumns(st, e);
        const std::string stored = st.text(14);
        auto breakAt = [&](std::string problem) {
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
    if (!sessionId.empty() && out.empty()) {
        error = "no session '" + sessionId + "' in " + path;
        return false;
    }
    return true;
}

} // namespace osh::audit
