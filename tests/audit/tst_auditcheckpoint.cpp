// Signed checkpoints of the audit store's hash chains: what the writer signs
// (at a session's end, when the store closes, and within the interval while
// idle), and what verifyChains finds that the chain alone cannot: a chain
// recomputed after an edit, a session's last events removed, every event of
// a session removed, a checkpoint altered, a checkpoint of another key. Also
// the key file's own checks. With OSH_AUDIT_BACKEND=postgresql the store
// is a PostgreSQL database, edited the same way (storebackend.h).

#include "audit/auditchain.h"
#include "audit/auditcheckpoint.h"
#include "audit/auditstore.h"
#include "rawdb.h"
#include "storebackend.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

using osh::AuditEvent;
using osh::AuditStore;
using osh::audit::ChainReport;
using osh::audit::Checkpoint;
using osh::audit::CheckpointKey;

namespace {

AuditEvent auditEvent(const std::string &session, int seq, const std::string &tool)
{
    AuditEvent e;
    e.sessionId = session;
    e.seq = seq;
    e.ts = 1000 + seq;
    e.type = "tool_call";
    e.tool = tool;
    e.decision = "allow";
    e.layer = "policy";
    e.severity = "info";
    e.request = R"({"trigger":"tool_call"})";
    return e;
}

} // namespace

class TstAuditCheckpoint : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    osh::test::StoreBackend m_backend;
    std::string m_path;
    std::string m_key;

    std::unique_ptr<AuditStore> openStore(double interval = 3600)
    {
        AuditStore::Options o;
        o.signingKey = m_key;
        o.checkpointSeconds = interval;
        std::string error;
        auto store = AuditStore::open(m_path, o, error);
        if (!store)
            qWarning("open: %s", error.c_str());
        return store;
    }

    // Session a: events 1-2, the store closed (a checkpoint of seq 2), then
    // 3-5 and the session's end (a checkpoint of seq 5). Session b: events
    // 1-3, signed when the store closes. The interval is long: only ends and
    // closing sign.
    void fill()
    {
        QTemporaryDir dir(m_dir.path() + QStringLiteral("/cpXXXXXX"));
        dir.setAutoRemove(false);
        std::string error;
        QVERIFY2(m_backend.fresh(dir, error), error.c_str());
        m_path = m_backend.store();
        m_key = m_dir.path().toStdString() + "/signing.key";
        {
            auto store = openStore();
            QVERIFY(store);
            for (int i = 1; i <= 2; ++i)
                store->append(auditEvent("a", i, "tool" + std::to_string(i)));
        }
        auto store = openStore();
        QVERIFY(store);
        for (int i = 3; i <= 5; ++i)
            store->append(auditEvent("a", i, "tool" + std::to_string(i)));
        for (int i = 1; i <= 3; ++i)
            store->append(auditEvent("b", i, "tool" + std::to_string(i)));
        store->endSession("a", 0, "exited");
        QVERIFY(store->flush(10000));
        QCOMPARE(m_backend.text("SELECT COUNT(*) FROM checkpoints WHERE session_id = 'b'"), std::string("0"));
    }

    std::string publicKey() const
    {
        std::string hex, error;
        if (!osh::audit::readPublicKey(m_key + ".pub", hex, error))
            qWarning("%s", error.c_str());
        return hex;
    }

    std::vector<ChainReport> verify(const std::string &session, const std::string &key)
    {
        osh::audit::VerifyOptions o;
        o.sessionId = session;
        o.key = key;
        std::vector<ChainReport> out;
        std::string error;
        if (!osh::audit::verifyChains(m_path, o, out, error))
            qWarning("verify: %s", error.c_str());
        return out;
    }

    // What someone with write access to the file does to hide an edit of
    // a#3: change it and store the chain values recomputed from a#2 on.
    void rewriteChainFrom3()
    {
        auto &db = m_backend;
        std::string previous = db.text("SELECT chain FROM events WHERE session_id = 'a' AND seq = 2");
        for (int seq = 3; seq <= 5; ++seq) {
            auto e = auditEvent("a", seq, seq == 3 ? "edited" : "tool" + std::to_string(seq));
            previous = osh::audit::chainNext(previous, e);
            QCOMPARE(db.exec("UPDATE events SET tool = '" + e.tool + "', chain = '" + previous
                             + "' WHERE session_id = 'a' AND seq = " + std::to_string(seq)),
                     std::string());
        }
    }

    // The seqs of a session's checkpoints, oldest first: "2,5".
    std::string signedSeqs(const std::string &session) const
    {
        const std::string where = " FROM checkpoints WHERE session_id = '" + session + "'";
        return m_backend.text(m_backend.isPostgres() ? "SELECT string_agg(seq::text, ',' ORDER BY id)" + where
                                                     : "SELECT group_concat(seq) FROM (SELECT seq" + where + " ORDER BY id)");
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_backend.start(&error), qPrintable(error));
        qInfo("audit store backend: %s", m_backend.name());
    }

    void init() { QVERIFY(m_dir.isValid()); }

    void signsHeadsAtEndAndClose()
    {
        fill();
        QCOMPARE(signedSeqs("a"), std::string("2,5"));
        // b was still open: its head was signed when the store closed.
        QCOMPARE(signedSeqs("b"), std::string("3"));
        const auto rs = verify({}, publicKey());
        QCOMPARE(rs.size(), std::size_t(2));
        for (const auto &r : rs) {
            QVERIFY2(!r.broken, r.problem.c_str());
            QCOMPARE(r.unsignedEvents, 0);
            QCOMPARE(r.signer, publicKey());
        }
        QCOMPARE(rs[0].checkpoints, 2);
        QCOMPARE(rs[0].signedSeq, 5);
        QCOMPARE(rs[1].signedSeq, 3);
    }

    // Events of a store that signs nothing: an intact chain with unsigned
    // events, but nothing vouches for them when the key is required.
    void unsignedSessionWithKeyRequired()
    {
        fill();
        {
            std::string error;
            auto plain = AuditStore::open(m_path, error);
            QVERIFY2(plain, error.c_str());
            plain->append(auditEvent("c", 1, "x"));
        }
        const auto loose = verify("c", {});
        QVERIFY(!loose[0].broken);
        QCOMPARE(loose[0].unsignedEvents, 1);
        const auto rs = verify("c", publicKey());
        QVERIFY(rs[0].broken);
        QVERIFY2(rs[0].problem.find("no checkpoint signed") != std::string::npos, rs[0].problem.c_str());
    }

    // An idle store signs the heads committed since the last checkpoint
    // once the interval has passed, without a further write.
    void signsWithinTheIntervalWhenIdle()
    {
        fill();
        auto store = openStore(0.2);
        QVERIFY(store);
        store->append(auditEvent("c", 1, "x"));
        QVERIFY(store->flush(10000));
        store->append(auditEvent("c", 2, "x"));
        QVERIFY(store->flush(10000));
        auto &db = m_backend;
        QTRY_COMPARE_WITH_TIMEOUT(db.text("SELECT MAX(seq) FROM checkpoints WHERE session_id = 'c'"), std::string("2"),
                                  5000);
    }

    // The chain alone cannot see an edit whose later chain values were
    // recomputed; the checkpoints of seq 2 and 5 narrow it to 3-5.
    void recomputedChainIsFound()
    {
        fill();
        rewriteChainFrom3();
        m_backend.exec("DELETE FROM checkpoints WHERE session_id = 'a'");
        QVERIFY(!verify("a", {})[0].broken); // the chain holds: why checkpoints are needed
        fill();
        rewriteChainFrom3();
        const auto rs = verify("a", publicKey());
        QVERIFY(rs[0].broken);
        QCOMPARE(rs[0].brokenSeq, 3);
        QVERIFY2(rs[0].problem.find("recomputed") != std::string::npos && rs[0].problem.find("seq 3 to 5") != std::string::npos,
                 rs[0].problem.c_str());
        QCOMPARE(rs[0].signedSeq, 2);
    }

    // Cutting a session's last events keeps every remaining chain value
    // right; the signed seq 5 is gone.
    void removedTailIsFound()
    {
        fill();
        QCOMPARE(m_backend.exec("DELETE FROM events WHERE session_id = 'a' AND seq >= 4"), std::string());
        const auto rs = verify("a", {});
        QVERIFY(rs[0].broken);
        QCOMPARE(rs[0].brokenSeq, 5);
        QVERIFY2(rs[0].problem.find("last events were removed") != std::string::npos, rs[0].problem.c_str());
    }

    void removedSessionIsFound()
    {
        fill();
        QCOMPARE(m_backend.exec("DELETE FROM events WHERE session_id = 'a'"), std::string());
        const auto rs = verify({}, {});
        const auto it = std::find_if(rs.begin(), rs.end(), [](const ChainReport &r) { return r.sessionId == "a"; });
        QVERIFY(it != rs.end());
        QVERIFY(it->broken);
        QVERIFY2(it->problem.find("every event of the session was removed") != std::string::npos, it->problem.c_str());
        QCOMPARE(verify("a", {}).size(), std::size_t(1));
    }

    void alteredCheckpointIsFound_data()
    {
        QTest::addColumn<QString>("assignment");
        for (const char *a : {"seq = 4", "chain = (SELECT chain FROM events WHERE session_id = 'a' AND seq = 4)",
                              "ts = ts + 1", "signature = substr(signature, 2) || '0'", "signature = 'zz'",
                              "session_id = 'b'"})
            QTest::newRow(a) << QString::fromLatin1(a);
    }
    void alteredCheckpointIsFound()
    {
        QFETCH(QString, assignment);
        fill();
        QCOMPARE(m_backend.exec("UPDATE checkpoints SET " + assignment.toStdString()
                                    + " WHERE session_id = 'a' AND seq = 5"),
                 std::string());
        bool found = false;
        for (const auto &r : verify({}, {}))
            found = found || (r.broken && r.problem.find("does not verify") != std::string::npos);
        QVERIFY(found);
    }

    // Recomputed chain values re-signed with a key of one's own verify as
    // a consistent file; the service's key refuses them.
    void checkpointOfAnotherKeyIsRefused()
    {
        fill();
        const std::string serviceKey = publicKey();
        rewriteChainFrom3();
        std::string error;
        const auto forger = CheckpointKey::load(m_dir.path().toStdString() + "/forger.key", true, error);
        QVERIFY2(forger, error.c_str());
        auto &db = m_backend;
        QCOMPARE(db.exec("DELETE FROM checkpoints WHERE session_id = 'a'"), std::string());
        Checkpoint c;
        c.sessionId = "a";
        c.seq = 5;
        c.chain = db.text("SELECT chain FROM events WHERE session_id = 'a' AND seq = 5");
        c.ts = 2000;
        QVERIFY(forger->sign(c));
        QCOMPARE(db.exec("INSERT INTO checkpoints(session_id, seq, chain, ts, key, signature) VALUES ('a', 5, '" + c.chain
                         + "', 2000, '" + c.key + "', '" + c.signature + "')"),
                 std::string());
        QVERIFY(!verify("a", {})[0].broken);
        const auto rs = verify("a", serviceKey);
        QVERIFY(rs[0].broken);
        QVERIFY2(rs[0].problem.find("signed by another key") != std::string::npos, rs[0].problem.c_str());
    }

    // A user's own runs sign with the key beside their store when they can,
    // and stay unsigned (saying why) when they cannot; the service's key is
    // never optional.
    void optionalSigningKey()
    {
        const std::string dir = m_dir.path().toStdString();
        std::string error;
        {
            auto store = AuditStore::open(dir + "/user/audit.db", AuditStore::userWriterOptions(dir + "/user/audit.db"), error);
            QVERIFY2(store, error.c_str());
            QVERIFY(store->signingProblem().empty());
            QCOMPARE(store->signingPublicKey().size(), std::size_t(64));
            store->append(auditEvent("u", 1, "x"));
        }
        QVERIFY(QFile::exists(QString::fromStdString(dir + "/user/audit-signing.key")));
        m_path = dir + "/user/audit.db";
        m_key = dir + "/user/audit-signing.key";
        QVERIFY(!verify("u", publicKey())[0].broken);

        // A key that cannot be made (its folder is a file).
        QVERIFY(QFile(QString::fromStdString(dir + "/notadir")).open(QIODevice::WriteOnly));
        AuditStore::Options o;
        o.signingKey = dir + "/notadir/k.key";
        QVERIFY(!AuditStore::open(dir + "/strict.db", o, error));
        QVERIFY2(error.find("notadir/k.key") != std::string::npos, error.c_str());
        o.signingOptional = true;
        auto store = AuditStore::open(dir + "/lenient.db", o, error);
        QVERIFY2(store, error.c_str());
        QVERIFY(store->signingPublicKey().empty());
        QVERIFY2(store->signingProblem().find("notadir/k.key") != std::string::npos, store->signingProblem().c_str());
    }

    void keyFileIsChecked()
    {
        const std::string dir = m_dir.path().toStdString();
        std::string error;
        const auto k = CheckpointKey::load(dir + "/k1.key", true, error);
        QVERIFY2(k, error.c_str());
        struct stat st{};
        QCOMPARE(::stat((dir + "/k1.key").c_str(), &st), 0);
        QCOMPARE(st.st_mode & 0777, 0600u);
        // The same key when loaded again.
        QCOMPARE(CheckpointKey::load(dir + "/k1.key", false, error)->publicKey(), k->publicKey());
        // Readable by others: refused.
        QCOMPARE(::chmod((dir + "/k1.key").c_str(), 0644), 0);
        QVERIFY(!CheckpointKey::load(dir + "/k1.key", false, error));
        QVERIFY2(error.find("mode 0600") != std::string::npos, error.c_str());
        // A symbolic link or a FIFO in the key's place: refused, at once.
        QCOMPARE(::symlink((dir + "/k1.key").c_str(), (dir + "/k2.key").c_str()), 0);
        QVERIFY(!CheckpointKey::load(dir + "/k2.key", true, error));
        QCOMPARE(::mkfifo((dir + "/k3.key").c_str(), 0600), 0);
        QVERIFY(!CheckpointKey::load(dir + "/k3.key", true, error));
        // Missing and not to be created.
        QVERIFY(!CheckpointKey::load(dir + "/k4.key", false, error));
        std::string hex;
        QVERIFY(!osh::audit::readPublicKey(dir + "/nothing.pub", hex, error));
        QVERIFY(!osh::audit::readPublicKey(std::string(64, 'G'), hex, error));
        QVERIFY(osh::audit::readPublicKey(k->publicKey(), hex, error));
    }
};

QTEST_GUILESS_MAIN(TstAuditCheckpoint)
#include "tst_auditcheckpoint.moc"
