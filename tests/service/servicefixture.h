#pragma once
// A real openshelld for a test: its own socket, store, token file and
// groups, started as a child process and stopped (SIGTERM) at the end.
// Clients reach it with osh::service::ApiClient, raw sockets, or osctl
// run as another uid through setpriv.

#include "service/apiclient.h"
#include "service/apiservice.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <QThread>

#include <atomic>
#include <csignal>
#include <thread>
#include <vector>

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef OPENSHELLD_PATH
#error "servicefixture.h needs OPENSHELLD_PATH"
#endif

namespace osh::test {

// The test's own groups, created once (as root) and left for later runs.
inline gid_t ensureGroup(const char *name)
{
    if (const group *g = ::getgrnam(name))
        return g->gr_gid;
    QProcess::execute(QStringLiteral("groupadd"), {QStringLiteral("--system"), QString::fromLatin1(name)});
    const group *g = ::getgrnam(name);
    return g ? g->gr_gid : static_cast<gid_t>(-1);
}

struct ServiceFixture
{
    QTemporaryDir dir{QStringLiteral("/tmp/osh-svc-XXXXXX")};
    QProcess process;
    QString socket;
    QString store;
    QString tokens;
    quint16 port = 0;
    gid_t clients = static_cast<gid_t>(-1);
    gid_t approvers = static_cast<gid_t>(-1);
    QByteArray log;
    QByteArray extraTokens; // more token file lines (ID UID SCOPES SECRET\n), written by start()

    static constexpr const char *kAdminToken = "admin-secret-0123456789abcdef0123456789";
    static constexpr const char *kAuditToken = "audit-secret-0123456789abcdef0123456789";
    static constexpr const char *kNobodyToken = "nobody-secret-0123456789abcdef012345678";

    // extra: more openshelld options.
    bool start(const QStringList &extra = {})
    {
        clients = ensureGroup("osh-test-clients");
        approvers = ensureGroup("osh-test-approvers");
        if (clients == static_cast<gid_t>(-1) || approvers == static_cast<gid_t>(-1))
            return false;
        // Other users reach the socket and read the test's policies through it.
        ::chmod(QFile::encodeName(dir.path()).constData(), 0755);
        socket = dir.filePath(QStringLiteral("api.sock"));
        store = dir.filePath(QStringLiteral("state/audit.db"));
        tokens = dir.filePath(QStringLiteral("tokens"));
        QFile t(tokens);
        if (!t.open(QIODevice::WriteOnly))
            return false;
        t.write(QByteArray("admin 0 sessions,approvals,audit,admin ") + kAdminToken + "\n"
                + "auditor 65534 audit " + kAuditToken + "\n" + "nobody 65534 sessions " + kNobodyToken + "\n" + extraTokens);
        t.close();
        ::chmod(QFile::encodeName(tokens).constData(), 0600);
        process.setProcessChannelMode(QProcess::SeparateChannels);
        process.start(QStringLiteral(OPENSHELLD_PATH),
                      QStringList{QStringLiteral("--listen"), QStringLiteral("unix:") + socket, QStringLiteral("--listen"),
                                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--group"), QStringLiteral("osh-test-clients"),
                                  QStringLiteral("--approvers-group"), QStringLiteral("osh-test-approvers"),
                                  QStringLiteral("--token-file"), tokens, QStringLiteral("--store"), store}
                          + extra);
        if (!process.waitForStarted(5000))
            return false;
        // Ready once it says so; the TCP port is in what it printed.
        for (int i = 0; i < 200; ++i) {
            process.waitForReadyRead(50);
            log += process.readAllStandardError();
            const auto m = QRegularExpression(QStringLiteral("listening on 127\\.0\\.0\\.1:(\\d+)")).match(QString::fromUtf8(log));
            if (m.hasMatch())
                port = static_cast<quint16>(m.captured(1).toUInt());
            if (log.contains("ready"))
                return port != 0;
            if (process.state() != QProcess::Running)
                return false;
        }
        return false;
    }

    osh::service::Endpoint unixEndpoint() const
    {
        osh::service::Endpoint e;
        e.path = socket.toStdString();
        return e;
    }
    osh::service::Endpoint tcpEndpoint(const char *token) const
    {
        osh::service::Endpoint e;
        e.kind = osh::service::Endpoint::Kind::Tcp;
        e.host = "127.0.0.1";
        e.port = port;
        e.token = token ? token : "";
        return e;
    }
    osh::service::ApiResponse call(const std::string &method, const std::string &target, const QJsonObject &body = {},
                                   int timeoutMs = 60000) const
    {
        return callRaw(method, target, body.isEmpty() ? std::string() : QJsonDocument(body).toJson().toStdString(), timeoutMs);
    }
    osh::service::ApiResponse callRaw(const std::string &method, const std::string &target, const std::string &body,
                                      int timeoutMs = 60000) const
    {
        osh::service::ApiClient c(unixEndpoint());
        const auto r = c.request(method, target, body, timeoutMs);
        record(method, target, r);
        return r;
    }

    // Every answer a test saw, for checking against the OpenAPI document
    // (tests/api/validate-openapi.mjs --responses DIR).
    QString responsesDir() const { return dir.filePath(QStringLiteral("responses")); }
    void record(const std::string &method, const std::string &target, const osh::service::ApiResponse &r) const
    {
        if (r.status == 0)
            return;
        const std::string path = target.substr(0, target.find('?'));
        QString route;
        for (const auto &rt : osh::service::ApiService::routes()) {
            if (method != rt.method)
                continue;
            const QStringList want = QString::fromLatin1(rt.pattern).split(QLatin1Char('/'));
            const QStringList got = QString::fromStdString(path).split(QLatin1Char('/'));
            bool match = want.size() == got.size();
            for (qsizetype i = 0; match && i < want.size(); ++i)
                match = want[i].startsWith(QLatin1Char('{')) ? !got[i].isEmpty() : want[i] == got[i];
            if (match)
                route = QString::fromLatin1(rt.pattern);
        }
        if (route.isEmpty())
            return; // an unknown route or method: nothing documents it
        QDir().mkpath(responsesDir());
        static int n = 0;
        QFile f(QDir(responsesDir()).filePath(QStringLiteral("%1.json").arg(++n, 4, 10, QLatin1Char('0'))));
        if (!f.open(QIODevice::WriteOnly))
            return;
        f.write(QJsonDocument(QJsonObject{{QStringLiteral("method"), QString::fromStdString(method)},
                                          {QStringLiteral("route"), route},
                                          {QStringLiteral("status"), r.status},
                                          {QStringLiteral("contentType"), QString::fromStdString(r.contentType)},
                                          {QStringLiteral("body"), QString::fromStdString(r.body)}})
                    .toJson());
    }

    // Whether every answer recorded so far has the shape the OpenAPI
    // document gives for its route and status (node checks them); *report
    // has what it printed.
    bool responsesMatchDocument(QByteArray *report) const
    {
        QProcess node;
        node.setWorkingDirectory(QStringLiteral(OSH_SOURCE_DIR));
        node.start(QStringLiteral("node"), {QStringLiteral("tests/api/validate-openapi.mjs"), QStringLiteral("docs/openapi.json"),
                                            QStringLiteral("--responses"), responsesDir()});
        if (!node.waitForStarted(10000)) {
            *report = "node is needed (scripts/setup.sh installs it)";
            return false;
        }
        node.waitForFinished(120000);
        *report = node.readAllStandardOutput() + node.readAllStandardError();
        return node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0;
    }

    // SIGTERM, then wait for the exit; its status.
    int stop(int timeoutMs = 60000)
    {
        if (process.state() == QProcess::NotRunning)
            return process.exitCode();
        process.terminate();
        process.waitForFinished(timeoutMs);
        log += process.readAllStandardError();
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

    ~ServiceFixture()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
};

#ifdef OSCTL_PATH
struct Proc
{
    int code = -1;
    QString out, err;
};

// osctl as another user: setpriv to uid:gid with the given supplementary groups.
inline Proc osctlAs(uid_t uid, gid_t gid, const QList<gid_t> &groups, const QString &socket, const QStringList &args, int timeoutMs = 120000)
{
    QStringList gs;
    for (gid_t g : groups)
        gs << QString::number(g);
    QStringList cmd{QStringLiteral("--reuid"), QString::number(uid), QStringLiteral("--regid"), QString::number(gid)};
    cmd += gs.isEmpty() ? QStringList{QStringLiteral("--clear-groups")} : QStringList{QStringLiteral("--groups"), gs.join(QLatin1Char(','))};
    cmd << QStringLiteral("--") << QStringLiteral(OSCTL_PATH) << args;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPENSHELL_ENDPOINT"), QStringLiteral("unix:") + socket);
    env.remove(QStringLiteral("OPENSHELL_STORE"));
    env.insert(QStringLiteral("HOME"), QStringLiteral("/tmp"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("setpriv"), cmd);
    p.waitForStarted();
    p.closeWriteChannel();
    Proc r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

#endif

inline QJsonObject json(const osh::service::ApiResponse &r)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object();
}

// Runs `true` in session id over and over while streaming the session's
// events, and kills the service with SIGKILL after killAfterMs. The seqs
// the stream delivered: each was committed before it was sent.
inline std::vector<qint64> streamUntilKilled(ServiceFixture &svc, const std::string &id, int killAfterMs = 4000)
{
    std::atomic<bool> stop{false};
    std::thread load([&] {
        osh::service::ApiClient c(svc.unixEndpoint());
        while (!stop)
            c.request("POST", "/v1/sessions/" + id + "/exec", R"({"argv":["true"]})", 30000);
    });
    std::thread killer([&] {
        QThread::msleep(static_cast<unsigned long>(killAfterMs));
        ::kill(static_cast<pid_t>(svc.process.processId()), SIGKILL);
    });
    std::vector<qint64> acknowledged;
    osh::service::ApiClient streamer(svc.unixEndpoint());
    std::string error;
    streamer.stream("/v1/sessions/" + id + "/events",
                    [&](const std::string &event, const std::string &data, const std::string &) {
                        if (event == "audit")
                            acknowledged.push_back(
                                QJsonDocument::fromJson(QByteArray::fromStdString(data)).object().value(QStringLiteral("seq")).toInteger());
                        return true;
                    },
                    &error);
    killer.join();
    stop = true;
    load.join();
    svc.process.waitForFinished(5000);
    return acknowledged;
}

} // namespace osh::test
