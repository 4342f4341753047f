// Every session records the commit its policy came from, a dirty flag and the
// content hash (AgentSession -> SessionRecord -> the audit store). The
// sessions here fail to start on purpose (no agent command), after their
// record is written, so no sandbox is needed.

#include "session/agentsession.h"

#include "audit/auditstore.h"
#include "model/policyloader.h"
#include "vcs/policyrepository.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace osh;

namespace {

const QByteArray kPolicy = R"(version: 1
name: provenance
sandbox:
  isolation: gvisor
  max_memory_mb: 512
  max_execution_time_seconds: 60
  cleanup_policy: destroy
network:
  default_policy: deny-all
filesystem:
  workspace: /agent/workspace
  rules:
    - {path: /agent/workspace, permissions: read-write}
policies:
  - name: log-calls
    trigger: tool_call
    condition: tool.name == 'nothing'
    action: log
)";

} // namespace

class TstSessionProvenance : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_tmp;
    QString m_file;
    std::unique_ptr<AuditStore> m_store;

    void write(const QByteArray &bytes)
    {
        QFile f(m_file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
    }

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
        o.dataDir = m_tmp->filePath(QStringLiteral("data"));
        o.store = m_store.get();
        runtime::AgentSession session(o);
        QString error;
        if (session.start(&error))
            qFatal("the session started without a command");
        m_store->flush();
        for (const auto &s : m_store->sessions())
            if (s.session.id == session.id().toStdString())
                return s.session;
        qFatal("session not recorded");
        return {};
    }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_file = m_tmp->filePath(QStringLiteral("ws/p.policy.yaml"));
        QVERIFY(QDir().mkpath(m_tmp->filePath(QStringLiteral("ws"))));
        std::string error;
        m_store = AuditStore::open(m_tmp->filePath(QStringLiteral("audit.db")).toStdString(), error);
        QVERIFY2(m_store, error.c_str());
    }

    void cleanup()
    {
        m_store.reset();
        m_tmp.reset();
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
        auto repo = vcs::PolicyRepository::init(m_tmp->filePath(QStringLiteral("ws")));
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
