// Size caps on stored fields: a 15 MB JSON-RPC message is stored as a short
// stand-in keeping its size and SHA-256, readers still read it, ordinary
// events are stored unchanged; and pending approvals are expired with
// their session.

#include "audit/auditjson.h"
#include "audit/auditstore.h"
#include "audit/ocsf.h"
#include "replay/whatif.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using osh::ApprovalRecord;
using osh::ApprovalStatus;
using osh::AuditEvent;
using osh::AuditStore;

namespace {

constexpr std::size_t kCap = osh::audit::AuditLimits::kDefaultMaxFieldBytes;

std::string sha256(const std::string &s)
{
    return QCryptographicHash::hash(QByteArray::fromStdString(s), QCryptographicHash::Sha256).toHex().toStdString();
}

// {"data":"xxxx…"} of about n bytes, with a multi-byte character where a
// naive cut would split it.
std::string hugeJson(std::size_t n)
{
    std::string s = "{\"data\":\"";
    s += std::string(osh::audit::AuditLimits::kHeadBytes - s.size() - 1, 'x');
    s += "\xc3\xa9"; // é across the head's end
    s += std::string(n, 'y');
    s += "\"}";
    return s;
}

QJsonObject parse(const std::string &json)
{
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &err);
    if (err.error != QJsonParseError::NoError)
        qWarning("not JSON: %s", qPrintable(err.errorString()));
    return doc.object();
}

} // namespace

class TstAuditLimits : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;
    std::unique_ptr<AuditStore> m_store;

    void checkStandIn(const std::string &stored, const std::string &original)
    {
        QVERIFY2(stored.size() < kCap, std::to_string(stored.size()).c_str());
        const QJsonObject o = parse(stored);
        QCOMPARE(o.value(QStringLiteral("truncated")).toBool(), true);
        QCOMPARE(static_cast<qint64>(o.value(QStringLiteral("bytes")).toDouble()), static_cast<qint64>(original.size()));
        QCOMPARE(o.value(QStringLiteral("sha256")).toString().toStdString(), sha256(original));
        const std::string head = o.value(QStringLiteral("head")).toString().toStdString();
        QVERIFY(!head.empty() && head.size() <= osh::audit::AuditLimits::kHeadBytes);
        QCOMPARE(original.substr(0, head.size()), head); // a clean prefix: no U+FFFD from a split é
        QVERIFY(osh::audit::AuditLimits::isTruncatedJson(stored));
    }

private Q_SLOTS:
    void init()
    {
        std::string error;
        m_store = AuditStore::open(m_dir.path().toStdString() + "/l" + std::to_string(++m_n) + ".db", error);
        QVERIFY2(m_store, error.c_str());
    }
    void cleanup() { m_store.reset(); }

    void hugeEventIsStoredTruncated()
    {
        const std::string params = hugeJson(15 * 1024 * 1024);
        const std::string message(15 * 1024 * 1024, 'm');
        AuditEvent big;
        big.sessionId = "s";
        big.type = "tool_call";
        big.tool = "write_file";
        big.decision = "allow";
        big.parameters = params;
        big.request = "{\"trigger\":\"tool_call\",\"tool\":{\"name\":\"write_file\",\"args\":" + params + "}}";
        big.trace = params;
        big.message = message;
        m_store->append(big);

        AuditEvent normal;
        normal.sessionId = "s";
        normal.type = "tool_call";
        normal.tool = "read_file";
        normal.decision = "allow";
        normal.parameters = "{\"path\":\"/agent/workspace/a.txt\"}";
        normal.request = "{\"trigger\":\"tool_call\",\"tool\":{\"name\":\"read_file\"}}";
        normal.trace = "{\"outcome\":\"allow\"}";
        normal.message = "fine";
        m_store->append(normal);
        QVERIFY(m_store->flush());

        const auto stored = m_store->event("s", 1);
        QVERIFY(stored);
        checkStandIn(stored->parameters, params);
        checkStandIn(stored->request, big.request);
        checkStandIn(stored->trace, params);
        QVERIFY(stored->message.size() < kCap);
        QVERIFY(stored->message.starts_with("mmmm"));
        QVERIFY(stored->message.ends_with(" [truncated: 15728640 bytes, sha256 " + sha256(message) + "]"));
        QCOMPARE(stored->tool, std::string("write_file"));

        const auto kept = m_store->event("s", 2);
        QVERIFY(kept);
        QCOMPARE(kept->parameters, normal.parameters);
        QCOMPARE(kept->request, normal.request);
        QCOMPARE(kept->trace, normal.trace);
        QCOMPARE(kept->message, normal.message);

        // Readers: the JSON-lines and OCSF forms embed the stand-in as an object.
        std::string line;
        osh::audit::appendEventJson(line, *stored);
        QVERIFY(osh::audit::isJsonValue(line));
        QCOMPARE(parse(line).value(QStringLiteral("parameters")).toObject().value(QStringLiteral("truncated")).toBool(), true);
        std::string ocsf;
        osh::audit::appendOcsfJson(ocsf, *stored);
        QVERIFY(osh::audit::isJsonValue(ocsf));
        // Replay does not decide a stand-in as if it were the action.
        std::string why;
        QVERIFY(!osh::replay::WhatIf::approximateRequest("tool_call", "write_file", stored->parameters, 1, why));
        QVERIFY(why.find("too large") != std::string::npos);
        QVERIFY(osh::replay::WhatIf::approximateRequest("tool_call", "read_file", kept->parameters, 1, why));
        QCOMPARE(m_store->searchSession("s", "a.txt"), std::vector<std::int64_t>{2});
    }

    void fieldAtTheCapIsKept()
    {
        AuditEvent e;
        e.sessionId = "s";
        e.type = "reasoning";
        e.parameters = "{\"t\":\"" + std::string(kCap - 8, 'z') + "\"}";
        QCOMPARE(e.parameters.size(), kCap);
        m_store->append(e);
        QVERIFY(m_store->flush());
        QCOMPARE(m_store->event("s", 1)->parameters, e.parameters);
    }

    void hugeApprovalIsStoredTruncated()
    {
        const std::string params = hugeJson(15 * 1024 * 1024);
        ApprovalRecord a;
        a.sessionId = "s";
        a.seq = 1;
        a.tool = "email_send";
        a.parameters = params;
        a.request = params;
        a.decision = "{\"outcome\":\"escalate\"}";
        a.message = "needs review";
        const auto id = m_store->addApproval(a);
        QVERIFY(id);
        const auto stored = m_store->approval(*id);
        QVERIFY(stored);
        checkStandIn(stored->parameters, params);
        checkStandIn(stored->request, params);
        QCOMPARE(stored->decision, a.decision);
        QCOMPARE(stored->message, a.message);
        std::string line;
        osh::audit::appendApprovalJson(line, *stored);
        QVERIFY(osh::audit::isJsonValue(line));
    }

    void sessionApprovalsExpire()
    {
        ApprovalRecord a;
        a.sessionId = "gone";
        const auto g1 = m_store->addApproval(a);
        const auto g2 = m_store->addApproval(a);
        a.sessionId = "alive";
        const auto other = m_store->addApproval(a);
        QVERIFY(g1 && g2 && other);
        QVERIFY(m_store->resolveApproval(*g2, true, "ok", "alice"));

        QCOMPARE(m_store->expireSessionApprovals("gone", "the session ended"), std::int64_t(1));
        const auto r1 = m_store->approval(*g1);
        QVERIFY(r1->status == ApprovalStatus::Expired);
        QCOMPARE(r1->note, std::string("the session ended"));
        QCOMPARE(r1->resolver, std::string("expiry"));
        QVERIFY(r1->resolvedAt);
        QVERIFY(m_store->approval(*g2)->status == ApprovalStatus::Approved); // resolved ones stay
        QVERIFY(m_store->approval(*other)->status == ApprovalStatus::Pending);
        QCOMPARE(m_store->expireSessionApprovals("gone", "again"), std::int64_t(0));
    }

    void endingASessionExpiresItsApprovals()
    {
        osh::SessionRecord s;
        s.id = "crashed";
        m_store->beginSession(s);
        ApprovalRecord a;
        a.sessionId = "crashed";
        const auto id = m_store->addApproval(a);
        a.sessionId = "alive";
        const auto other = m_store->addApproval(a);
        QVERIFY(id && other);
        m_store->endSession("crashed", std::nullopt, "killed");
        QVERIFY(m_store->flush());
        const auto r = m_store->approval(*id);
        QVERIFY(r->status == ApprovalStatus::Expired);
        QCOMPARE(r->note, std::string("the session ended"));
        QVERIFY(m_store->approval(*other)->status == ApprovalStatus::Pending);
    }
};

QTEST_GUILESS_MAIN(TstAuditLimits)
#include "tst_auditlimits.moc"
