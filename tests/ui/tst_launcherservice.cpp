// The studio through a real openshelld, as a user who is not root: the
// launcher starts a gVisor session through the service and shows its
// events and output; the approvals panel shows a held command and releases
// it (and shows the refusal of a caller without the approvals scope); the
// replay page fetches the session from the service; without a service the
// launcher cannot start and says how to get one.
//
// Run as root, the test starts openshelld on a temporary socket and runs
// itself again as uid 65534 (setpriv) in the socket's and the approvers'
// groups; it passes when that child passes.

#include "approvals/approvalsmodel.h"
#include "approvals/approvalspanel.h"
#include "launcher/eventstreammodel.h"
#include "launcher/launcherpage.h"
#include "shell/mainwindow.h"
#include "replay/replaypage.h"
#include "service/serviceclient.h"

#include "servicefixture.h"
#include "uitestsupport.h"

#include <QApplication>
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLineEdit>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <thread>

#include <sys/stat.h>
#include <unistd.h>

using osh::service::ApiClient;
using osh::service::ApiResponse;
using osh::service::Endpoint;
using osh::ui::ApprovalsModel;
using osh::ui::ApprovalsPanel;
using osh::ui::EventStreamModel;
using osh::ui::LauncherPage;
using osh::ui::ServiceClient;
using osh::ui::StudioRuntime;

namespace {

constexpr uid_t kChildUid = 65534;
const char *const kChildEnv = "OSH_LAUNCHERSERVICE_CHILD"; // the child's folder
const char *const kTcpEnv = "OSH_LAUNCHERSERVICE_TCP";     // the service's TCP port

int findRow(const QAbstractItemModel *m, int role, const QString &prefix)
{
    for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, 0).data(role).toString().startsWith(prefix))
            return r;
    return -1;
}

QByteArray policy(const char *name, const QByteArray &policies)
{
    return QByteArray("version: 1\nname: ") + name
        + "\nsandbox:\n  isolation: gvisor\n  max_memory_mb: 512\n  max_execution_time_seconds: 120\n  cleanup_policy: destroy\n"
          "network:\n  default_policy: deny-all\nfilesystem:\n  workspace: /agent/workspace\n  rules:\n"
          "    - {path: /agent/workspace, permissions: read-write}\npolicies:\n"
        + policies;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        return false;
    f.close();
    return ::chmod(QFile::encodeName(path).constData(), 0644) == 0;
}

} // namespace

// As root: the service, then this test again as uid 65534.
class TestLauncherServiceParent : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void childPassesAsNonRootUser()
    {
        if (::geteuid() != 0)
            QSKIP("needs root: starts openshelld and runs the studio's side as uid 65534");
        OSH_REQUIRE_GVISOR();
        if (QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty())
            QSKIP("needs setpriv (util-linux)");
        osh::test::ServiceFixture svc;
        QVERIFY2(svc.start(), svc.log.constData());

        // The child's home: its own, with the policies it launches.
        QTemporaryDir dir(QStringLiteral("/tmp/osh-launchersvc-XXXXXX"));
        QVERIFY(dir.isValid());
        for (const char *sub : {"home", "home/.cache", "home/.local/share", "home/.config", "runtime", "policies"})
            QVERIFY(QDir().mkpath(dir.filePath(QString::fromLatin1(sub))));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("policies/run.policy.yaml")),
                          policy("launcher-service", "  - {name: log-calls, trigger: tool_call, condition: \"tool.name == 'nothing'\", "
                                                     "action: log}\n")));
        QVERIFY(writeFile(dir.filePath(QStringLiteral("policies/hold.policy.yaml")),
                          policy("launcher-hold", "  - {name: hold, trigger: tool_call, condition: \"tool.name == 'exec'\", "
                                                  "action: escalate, message: commands from outside need approval}\n")));
        QProcess chown;
        chown.start(QStringLiteral("chown"), {QStringLiteral("-R"), QStringLiteral("%1:%1").arg(kChildUid), dir.path()});
        QVERIFY(chown.waitForFinished(10000) && chown.exitCode() == 0);
        QVERIFY(::chmod(QFile::encodeName(dir.path()).constData(), 0755) == 0);
        QVERIFY(::chmod(QFile::encodeName(dir.filePath(QStringLiteral("runtime"))).constData(), 0700) == 0);

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromLatin1(kChildEnv), dir.path());
        env.insert(QString::fromLatin1(kTcpEnv), QString::number(svc.port));
        env.insert(QStringLiteral("OPENSHELL_ENDPOINT"), QStringLiteral("unix:") + svc.socket);
        env.remove(QStringLiteral("OPENSHELL_TOKEN"));
        env.remove(QStringLiteral("OPENSHELL_STORE"));
        env.insert(QStringLiteral("HOME"), dir.filePath(QStringLiteral("home")));
        env.insert(QStringLiteral("USER"), QStringLiteral("nobody"));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), dir.filePath(QStringLiteral("home/.cache")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("home/.local/share")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("home/.config")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), dir.filePath(QStringLiteral("runtime")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        QProcess child;
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.setWorkingDirectory(dir.path());
        child.start(QStringLiteral("setpriv"),
                    {QStringLiteral("--reuid"), QString::number(kChildUid), QStringLiteral("--regid"), QString::number(kChildUid),
                     QStringLiteral("--groups"), QStringLiteral("%1,%2").arg(svc.clients).arg(svc.approvers), QStringLiteral("--"),
                     QCoreApplication::applicationFilePath()});
        QVERIFY(child.waitForStarted(10000));
        const bool done = child.waitForFinished(480000);
        const QByteArray out = child.readAll();
        std::fprintf(stderr, "--- the studio as uid %u ---\n%s--- end of the child's output ---\n", kChildUid, out.constData());
        if (!done) {
            child.kill();
            child.waitForFinished(5000);
        }
        QVERIFY2(done, "the child did not finish in time");
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
                 qPrintable(QStringLiteral("the child failed (exit code %1)").arg(child.exitCode())));
        QVERIFY2(out.contains("Totals:") && out.contains(" 0 failed"), out.right(2000).constData());
        QVERIFY(svc.stop() == 0);
    }
};

// As uid 65534: the real pages through the service.
class TestLauncherServiceChild : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(::geteuid() != 0);
        m_dir = qEnvironmentVariable(kChildEnv);
        QVERIFY(!m_dir.isEmpty());
        m_runtime = StudioRuntime::detect();
        QCOMPARE(int(m_runtime.kind), int(StudioRuntime::Kind::Service));
        m_client = std::make_unique<ServiceClient>(*m_runtime.endpoint);
    }
    void cleanupTestCase() { m_client.reset(); }

    // OPENSHELL_ENDPOINT names a socket that does not exist.
    void noServiceCannotStart()
    {
        const QByteArray saved = qgetenv("OPENSHELL_ENDPOINT");
        const QString missing = m_dir + QStringLiteral("/nowhere/api.sock");
        qputenv("OPENSHELL_ENDPOINT", QString(QStringLiteral("unix:") + missing).toUtf8());
        const StudioRuntime none = StudioRuntime::detect();
        {
            osh::ui::MainWindow window;
            QCOMPARE(window.runtimeStatusText(), QStringLiteral("no openshelld: sessions cannot start"));
        }
        qputenv("OPENSHELL_ENDPOINT", saved);
        QCOMPARE(int(none.kind), int(StudioRuntime::Kind::None));
        LauncherPage page;
        page.setRuntime(none);
        QVERIFY(page.setPolicyFile(m_dir + QStringLiteral("/policies/run.policy.yaml")));
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("startButton"))->isEnabled());
        const QString text = page.runtimeText();
        QVERIFY2(text.contains(QStringLiteral("No openshelld is reachable at unix:") + missing), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("sudo scripts/service.sh start --for $USER")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("sudo systemctl start openshelld")), qPrintable(text));
        QVERIFY(!page.start());
        QVERIFY(!page.isRunning());
    }

    void launchesThroughService()
    {
        LauncherPage page;
        QAbstractItemModelTester tester(page.eventModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.setRuntime(m_runtime, m_client.get());
        QTRY_VERIFY_WITH_TIMEOUT(page.serviceReachable().has_value(), 20000);
        QVERIFY2(*page.serviceReachable(), qPrintable(page.runtimeText()));
        QVERIFY2(page.runtimeText().contains(QStringLiteral("openshelld at unix:")), qPrintable(page.runtimeText()));
        // Figures from the sandbox's cgroup: not through the service, and not faked.
        QVERIFY(!page.findChild<QLabel *>(QStringLiteral("memoryLabel"))->isVisibleTo(&page));
        QVERIFY(page.findChild<QLabel *>(QStringLiteral("resourceNote"))->isVisibleTo(&page));

        QVERIFY(page.setPolicyFile(m_dir + QStringLiteral("/policies/run.policy.yaml")));
        page.setIsolation(osh::Isolation::Gvisor);
        page.setCommand(QStringLiteral("sh -c \"echo launched; exit 0\""));
        auto *start = page.findChild<QPushButton *>(QStringLiteral("startButton"));
        QVERIFY2(start->isEnabled(), qPrintable(page.messageText()));
        QSignalSpy started(&page, &LauncherPage::sessionStarted);
        QSignalSpy failed(&page, &LauncherPage::startFailed);
        QSignalSpy finished(&page, &LauncherPage::sessionFinished);
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(page.isRunning());
        QVERIFY(!start->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(started.count() + failed.count() > 0, 120000);
        QVERIFY2(failed.isEmpty(), qPrintable(page.messageText()));
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
        QCOMPARE(finished.at(0).at(2).toString(), QStringLiteral("exited"));
        QCOMPARE(finished.at(0).at(1).toInt(), 0);
        QVERIFY(start->isEnabled());
        QVERIFY2(page.agentOutput().contains(QStringLiteral("launched")), qPrintable(page.agentOutput()));
        const auto *m = page.eventModel();
        QVERIFY(findRow(m, EventStreamModel::MessageRole, QStringLiteral("session started")) >= 0);
        QVERIFY(findRow(m, EventStreamModel::MessageRole, QStringLiteral("session ended: exited, exit status 0")) >= 0);
        QCOMPARE(m->index(0, 0).data(EventStreamModel::SessionRole).toString(), page.sessionId());
        QVERIFY(m->index(0, 0).data(EventStreamModel::TimestampRole).toDouble() > 1.6e9);
        m_sessionId = page.sessionId();
        m_events = m->rowCount();
    }

    void approvalsThroughService()
    {
        LauncherPage page;
        page.setRuntime(m_runtime, m_client.get());
        QVERIFY(page.setPolicyFile(m_dir + QStringLiteral("/policies/hold.policy.yaml")));
        page.setCommand(QStringLiteral("sleep 90"));
        QSignalSpy started(&page, &LauncherPage::sessionStarted);
        QSignalSpy finished(&page, &LauncherPage::sessionFinished);
        QTRY_VERIFY_WITH_TIMEOUT(page.serviceReachable().value_or(false), 20000);
        QVERIFY2(page.start(), qPrintable(page.messageText()));
        QTRY_VERIFY_WITH_TIMEOUT(started.count() == 1, 120000);
        const std::string id = page.sessionId().toStdString();

        ApprovalsPanel panel;
        panel.setPollInterval(200);
        panel.setService(m_client.get());
        // A command run in the sandbox from outside: held for an approver.
        ApiResponse execResult;
        std::thread exec([&] {
            ApiClient c(*m_runtime.endpoint);
            execResult = c.request("POST", "/v1/sessions/" + id + "/exec", R"({"argv":["sh","-c","echo released"]})", 120000);
        });
        struct Join
        {
            std::thread &t;
            ~Join()
            {
                if (t.joinable())
                    t.join();
            }
        } join{exec};
        QTRY_VERIFY_WITH_TIMEOUT(panel.pendingCount() == 1, 30000);
        const QModelIndex row = panel.model()->index(0, 0);
        QCOMPARE(row.data(ApprovalsModel::SessionRole).toString(), page.sessionId());
        QCOMPARE(row.data(ApprovalsModel::PolicyRole).toString(), QStringLiteral("hold"));
        QCOMPARE(row.data(ApprovalsModel::MessageRole).toString(), QStringLiteral("commands from outside need approval"));
        const qint64 approvalId = row.data(ApprovalsModel::IdRole).toLongLong();

        // A caller with only the sessions scope (a token of uid 65534) sees it
        // but may not release it: the service's refusal, inline.
        Endpoint tcp;
        tcp.kind = Endpoint::Kind::Tcp;
        tcp.host = "127.0.0.1";
        tcp.port = static_cast<std::uint16_t>(qEnvironmentVariableIntValue(kTcpEnv));
        tcp.token = osh::test::ServiceFixture::kNobodyToken;
        {
            ServiceClient member(tcp);
            ApprovalsPanel refused;
            refused.setService(&member);
            QTRY_VERIFY_WITH_TIMEOUT(refused.pendingCount() == 1, 30000);
            QVERIFY(refused.selectId(approvalId));
            QSignalSpy answer(&refused, &ApprovalsPanel::resolved);
            QTest::mouseClick(refused.findChild<QPushButton *>(QStringLiteral("approveButton")), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(answer.count() == 1, 30000);
            QVERIFY(!answer.at(0).at(1).toBool());
            QVERIFY2(refused.messageText().contains(QStringLiteral("lacks the scope approvals")), qPrintable(refused.messageText()));
        }
        QCOMPARE(panel.pendingCount(), 1);

        // An approver (this user is in the approvers' group) releases it.
        QVERIFY(panel.selectId(approvalId));
        panel.findChild<QLineEdit *>(QStringLiteral("approvalNote"))->setText(QStringLiteral("fine by the studio test"));
        QSignalSpy answer(&panel, &ApprovalsPanel::resolved);
        QTest::mouseClick(panel.findChild<QPushButton *>(QStringLiteral("approveButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(answer.count() == 1, 30000);
        QVERIFY2(answer.at(0).at(1).toBool(), qPrintable(panel.messageText()));
        QCOMPARE(panel.messageText(), QStringLiteral("Approved #%1.").arg(approvalId));
        QTRY_VERIFY_WITH_TIMEOUT(panel.pendingCount() == 0, 30000);
        exec.join();
        QVERIFY2(execResult.status == 200, execResult.body.c_str());
        QCOMPARE(osh::test::json(execResult).value(QStringLiteral("stdout")).toString(), QStringLiteral("released\n"));
        // The held call and its release are in the page's stream too.
        QTRY_VERIFY_WITH_TIMEOUT(findRow(page.eventModel(), EventStreamModel::DecisionRole, QStringLiteral("escalate")) >= 0, 30000);

        // Stop: the service ends it, recorded as interrupted.
        QTest::mouseClick(page.findChild<QPushButton *>(QStringLiteral("stopButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
        QCOMPARE(finished.at(0).at(2).toString(), QStringLiteral("interrupted"));
        QVERIFY(!page.isRunning());
    }

    // Closing the page ends its session in the service, as in-process.
    void closingThePageEndsTheSession()
    {
        QString id;
        {
            LauncherPage page;
            page.setRuntime(m_runtime, m_client.get());
            QVERIFY(page.setPolicyFile(m_dir + QStringLiteral("/policies/run.policy.yaml")));
            page.setCommand(QStringLiteral("sleep 90"));
            QSignalSpy started(&page, &LauncherPage::sessionStarted);
            QTRY_VERIFY_WITH_TIMEOUT(page.serviceReachable().value_or(false), 20000);
            QVERIFY2(page.start(), qPrintable(page.messageText()));
            QTRY_VERIFY_WITH_TIMEOUT(started.count() == 1, 120000);
            id = page.sessionId();
        }
        m_client->waitForDone();
        ApiClient c(*m_runtime.endpoint);
        QJsonObject session;
        QTRY_VERIFY_WITH_TIMEOUT((session = osh::test::json(c.request("GET", "/v1/sessions/" + id.toStdString())),
                                  session.value(QStringLiteral("state")).toString() == QStringLiteral("ended")),
                                 60000);
        QCOMPARE(session.value(QStringLiteral("exit_reason")).toString(), QStringLiteral("interrupted"));
    }

    // The first session again, fetched into the user's cache and replayed.
    void replaysThroughService()
    {
        QVERIFY(!m_sessionId.isEmpty());
        osh::ui::ReplayPage page;
        const QString cache = osh::ui::ReplayPage::defaultCachePath();
        QVERIFY2(cache.startsWith(qEnvironmentVariable("XDG_CACHE_HOME")), qPrintable(cache));
        QVERIFY(page.setService(m_client.get(), cache));
        auto *sessions = page.findChild<QComboBox *>();
        QVERIFY(sessions);
        QTRY_VERIFY_WITH_TIMEOUT(sessions->findData(m_sessionId) >= 0, 30000);
        QSignalSpy loaded(&page, &osh::ui::ReplayPage::sessionLoaded);
        QVERIFY(page.openSession(m_sessionId));
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() == 1, 60000);
        QVERIFY(page.session());
        QVERIFY(QFileInfo::exists(cache));
        QCOMPARE(int(page.session()->size()), m_events);
        // Again: from the cache, nothing stored twice.
        QVERIFY(page.openSession(m_sessionId));
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() == 2, 60000);
        QCOMPARE(int(page.session()->size()), m_events);
    }

private:
    QString m_dir;
    StudioRuntime m_runtime;
    std::unique_ptr<ServiceClient> m_client;
    QString m_sessionId;
    int m_events = 0;
};

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (qEnvironmentVariableIsSet(kChildEnv)) {
        TestLauncherServiceChild child;
        return QTest::qExec(&child, argc, argv);
    }
    TestLauncherServiceParent parent;
    return QTest::qExec(&parent, argc, argv);
}

#include "tst_launcherservice.moc"
