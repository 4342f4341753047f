// Every session records the commit its policy came from, a dirty flag and the
// content hash (AgentSession -> SessionRecord -> the audit store). The
// sessions here fail to start on purpose (no agent command), after their
// record is written, so no sandbox is needed.

#include "session/agentsession.h"

#include "audit/auditstore.h"
#include "model/policyloader.h"
#include "vcs/policyrepository.h"
#include "testworkspace.h"

#include <QDir>
#include <QTest>

using namespace osh;

namespace {

const QByteArray kPolicy = osh::test::minimalPolicy("provenance");

} // namespace

class TstSessionProvenance : public QObject
{
    Q_OBJECT

    std::unique_ptr<osh::test::TempWorkspace> m_ws; // a fresh folder and store per test
    QString m_file;

    void write(const QByteArray &bytes) { QVERIFY(m_ws->writeFile(QStringLiteral("ws/p.policy.yaml"), bytes)); }

    // Starts (and fails to start) a session running `content` from m_file;
    // returns the session's stored record.
    SessionRecord runSession(const QByteArray &content)
    {
        auto loaded = PolicyLoader::loadText(std::string_view(content.constData(), size_t(content.size())), m_file.toStdString());
        if (!loaded.document)
            qFatal("policy did not load");
        runtime::AgentSession::Options o;
        o.policyFile = m_file;
        o.document = loaded.document;
        o.policyHash = vcs::contentHash(content);
        o.dataDir = m_ws->filePath(QStringLiteral("data"));
        o.store = m_ws->store.get();
        runtime::AgentSession session(o);
        QString error;
        if (session.start(&error))
            qFatal("the session started without a command");
        m_ws->store->flush();
        for (const auto &s : m_ws->store->sessions())
            if (s.session.id == session.id().toStdString())
                return s.session;
        qFatal("session not recorded");
        return {};
    }

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<osh::test::TempWorkspace>();
        QVERIFY(m_ws->isValid());
        m_file = m_ws->filePath(QStringLiteral("ws/p.policy.yaml"));
        QVERIFY(QDir().mkpath(m_ws->filePath(QStringLiteral("ws"))));
        std::string error;
        QVERIFY2(m_ws->openStore(QStringLiteral("audit.db"), error), error.c_str());
    }

    void cleanup()
    {
        m_ws.reset();
    }

    void notARepository()
    {
        write(kPolicy);
        const SessionRecord r = runSession(kPolicy);
        QVERIFY(r.policyCommit.empty());
        QVERIFY(!r.policyDirty);
        QCOMPARE(r.policyHash, vcs::contentHash(kPolicy));
    }

    void committedCleanThenUnsavedThenUncommitted()
    {
        write(kPolicy);
        auto repo = vcs::PolicyRepository::init(m_ws->filePath(QStringLiteral("ws")));
        QVERIFY(repo);
        const auto c = repo->commit({m_file}, QStringLiteral("policy"), {QStringLiteral("A"), QStringLiteral("a@example.org")});
        QVERIFY2(c, qPrintable(c.error));

        SessionRecord r = runSession(kPolicy);
        QCOMPARE(QString::fromStdString(r.policyCommit), c->id);
        QVERIFY(!r.policyDirty);

        // Run from unsaved editor text: the file on disk is still the commit's.
        QByteArray edited = kPolicy;
        edited.replace("max_memory_mb: 512", "max_memory_mb: 256");
        r = runSession(edited);
        QCOMPARE(QString::fromStdString(r.policyCommit), c->id);
        QVERIFY(r.policyDirty);
        QCOMPARE(r.policyHash, vcs::contentHash(edited));

        // Saved but not committed.
        write(edited);
        r = runSession(edited);
        QCOMPARE(QString::fromStdString(r.policyCommit), c->id);
        QVERIFY(r.policyDirty);
    }
};

QTEST_GUILESS_MAIN(TstSessionProvenance)
#include "tst_sessionprovenance.moc"
