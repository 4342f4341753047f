// Audit forwarding: destinations, the syslog and CEF wire formats, delivery
// to an HTTP collector that goes down and comes back (every event exactly
// once after dedup, in order per session), the cursor across restarts, and a
// real rsyslog over TCP and TLS. Everything on loopback.

#include "audit/auditstore.h"
#include "service/forwarder.h"
#include "service/forwardformat.h"

#include "httpcollector.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <set>

#include <sqlite3.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace osh;
using namespace osh::service;

namespace {

AuditEvent makeEvent(const std::string &session, const std::string &type, double ts)
{
    AuditEvent e;
    e.sessionId = session;
    e.ts = ts;
    e.type = type;
    e.tool = "http_get";
    e.parameters = R"({"url":"http://127.0.0.1/"})";
    e.decision = "allow";
    e.layer = "policy";
    e.severity = "info";
    e.message = "fetch";
    return e;
}

void writeFile(const QString &path, const QByteArray &data, QFile::Permissions perms)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(data);
    f.close();
    QVERIFY(f.setPermissions(perms));
}

} // namespace

class TstForwarder : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<AuditStore> m_store;
    QString m_storePath;
    int m_appended = 0;
    double m_base = AuditStore::now() - 3600; // an hour ago: the lag of what waits is positive
    std::map<std::string, int> m_perSession;

    void append(int n)
    {
        for (int i = 0; i < n; ++i) {
            const std::string session = (m_appended % 3 == 0) ? "s-b" : "s-a";
            AuditEvent e = makeEvent(session, "tool_call", m_base + m_appended);
            if (m_appended % 37 == 36) {
                // Longer than a syslog message may be, with a syslog header
                // where a collector that cuts at 8 KiB would start anew.
                e.message = std::string(8000, 'x') + "<9>1 2030-01-01T00:00:00Z dc01 sshd 4242 AUTH_OK - FORGED"
                    + std::string(30000, 'y');
            }
            if (m_appended % 5 == 0) {
                e.decision = "block";
                e.severity = "warning";
                e.policy = "no-fetch";
                e.message = "blocked | by \"policy\" = no-fetch\nsecond line";
            }
            m_store->append(e);
            ++m_appended;
            ++m_perSession[session];
        }
        QVERIFY(m_store->flush(10000));
    }

    Forwarder::Options options(const std::string &url, const QString &cursorDir)
    {
        std::string error;
        auto t = ForwardTarget::parse(url, &error);
        if (!t)
            qFatal("%s", error.c_str());
        Forwarder::Options o;
        o.target = *t;
        o.storePath = m_storePath.toStdString();
        o.cursorDir = cursorDir.toStdString();
        o.productVersion = "9.9";
        o.hostname = "testhost";
        o.batchEvents = 7;
        o.pollMs = 20;
        o.minBackoffMs = 20;
        o.maxBackoffMs = 200;
        o.ioTimeoutMs = 3000;
        return o;
    }

    // The received objects are every stored event once after dedup (plus a
    // finding per block), and each session's events arrive in seq order.
    void checkComplete(const std::vector<QJsonObject> &objects, bool findings)
    {
        std::set<QString> uids;
        std::map<QString, qint64> lastSeq;
        for (const QJsonObject &o : objects) {
            const QJsonObject meta = o.value(QStringLiteral("metadata")).toObject();
            const QString uid = meta.value(QStringLiteral("uid")).toString();
            QVERIFY(!uid.isEmpty());
            if (!uids.insert(uid).second || uid.endsWith(QStringLiteral("#finding")))
                continue; // a re-sent copy, or a finding
            const QString session = meta.value(QStringLiteral("correlation_uid")).toString();
            const qint64 seq = meta.value(QStringLiteral("sequence")).toInteger();
            QVERIFY2(seq == lastSeq[session] + 1, qPrintable(QStringLiteral("%1: seq %2 after %3").arg(session).arg(seq).arg(lastSeq[session])));
            lastSeq[session] = seq;
        }
        int events = 0;
        for (const auto &[s, n] : m_perSession) {
            QCOMPARE(lastSeq[QString::fromStdString(s)], static_cast<qint64>(n));
            events += n;
        }
        const int blocks = (m_appended + 4) / 5;
        QCOMPARE(static_cast<int>(uids.size()), events + (findings ? blocks : 0));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_storePath = m_dir.filePath(QStringLiteral("audit.db"));
        std::string error;
        m_store = AuditStore::open(m_storePath.toStdString(), error);
        QVERIFY2(m_store, error.c_str());
        for (const char *id : {"s-a", "s-b"}) {
            SessionRecord rec;
            rec.id = id;
            rec.startedAt = 1.8e9;
            rec.policyFile = "demo.policy.yaml";
            rec.isolation = "gvisor";
            rec.command = "[\"agent\"]";
            m_store->beginSession(rec);
        }
        append(40);
    }

    void cleanupTestCase() { m_store.reset(); }

    void targets_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("error"); // empty: valid
        QTest::newRow("syslog") << "syslog://127.0.0.1:514" << "";
        QTest::newRow("syslog cef") << "syslog://[::1]:6514?format=cef" << "";
        QTest::newRow("syslog tls remote") << "syslog+tls://siem.example:6514?ca=/etc/ca.pem" << "";
        QTest::newRow("https remote") << "https://siem.example:8088/services/collector?token_file=/etc/t" << "";
        QTest::newRow("http loopback") << "http://127.0.0.2:8088/in" << "";
        QTest::newRow("plain remote syslog") << "syslog://10.0.0.5:514" << "without TLS only to a loopback address";
        QTest::newRow("plain remote http") << "http://siem.example:80/" << "use https://";
        QTest::newRow("a name is not loopback") << "syslog://localhost:514" << "without TLS only to a loopback";
        QTest::newRow("127 as a name prefix") << "syslog://127.0.0.1.example:514" << "without TLS only to a loopback";
        QTest::newRow("no port") << "syslog://127.0.0.1" << "the port is missing";
        QTest::newRow("scheme") << "ftp://127.0.0.1:21" << "unknown scheme 'ftp'";
        QTest::newRow("format") << "syslog://127.0.0.1:514?format=leef" << "format 'leef'";
        QTest::newRow("token in URL") << "https://user:secret@siem.example:443/" << "token_file";
        QTest::newRow("unknown parameter") << "http://127.0.0.1:1/?token=abc" << "unknown parameter 'token'";
        QTest::newRow("ca without tls") << "syslog://127.0.0.1:514?ca=/x" << "unknown parameter 'ca'";
        QTest::newRow("relative token file") << "http://127.0.0.1:1/?token_file=t" << "absolute path";
        QTest::newRow("syslog path") << "syslog://127.0.0.1:514/x" << "no path";
        QTest::newRow("not a url") << "127.0.0.1:514" << "";
        QTest::newRow("peer uid") << "http://127.0.0.1:8088/in?peer_uid=998" << "";
        QTest::newRow("peer uid with tls") << "syslog+tls://127.0.0.1:6514?peer_uid=0" << "unknown parameter 'peer_uid'";
        QTest::newRow("peer uid not a number") << "syslog://127.0.0.1:514?peer_uid=root" << "is not a uid";
    }
    void targets()
    {
        QFETCH(QString, url);
        QFETCH(QString, error);
        std::string why;
        const auto t = ForwardTarget::parse(url.toStdString(), &why);
        if (QTest::currentDataTag() == QByteArrayView("not a url")) {
            QVERIFY(!t);
            return;
        }
        if (error.isEmpty()) {
            QVERIFY2(t, why.c_str());
            QCOMPARE(QString::fromStdString(t->display), url);
        } else {
            QVERIFY(!t);
            QVERIFY2(QString::fromStdString(why).contains(error), why.c_str());
        }
    }

    void syslogAndCefFormats()
    {
        AuditEvent e = makeEvent("s\"x]", "tool_call", 1.8e9 + 0.25);
        e.seq = 12;
        e.chain = "abc";
        e.decision = "block";
        e.severity = "warning";
        e.message = "a|b=c\\d\ne";
        SyslogHeader h;
        h.hostname = "host name";
        h.procId = 42;
        const std::string m = syslogMessage(h, e, "s\"x]#12", "PAYLOAD");
        QCOMPARE(QString::fromStdString(m),
                 QStringLiteral("<108>1 2027-01-15T08:00:00.250Z host_name openshelld 42 tool_call "
                                "[openshell@32473 uid=\"s\\\"x\\]#12\" session=\"s\\\"x\\]\" seq=\"12\" chain=\"abc\"] PAYLOAD"));
        std::string framed;
        appendOctetCounted(framed, "héllo");
        QCOMPARE(framed, std::string("6 héllo")); // octets, not characters
        const std::string cef = cefRecord(e, "1|2");
        QVERIFY2(cef.rfind("CEF:0|OpenShell|OpenShell Studio|1\\|2|tool_call:block|a\\|b=c\\\\d e|6|", 0) == 0, cef.c_str());
        QVERIFY2(cef.find(" msg=a|b\\=c\\\\d\\ne ") != std::string::npos, cef.c_str());
        QVERIFY2(cef.find("externalId=s\"x]#12") != std::string::npos, cef.c_str());
        QVERIFY2(cef.find("cs5Label=chain cs5=abc") != std::string::npos, cef.c_str());
        QVERIFY(cef.find('\n') == std::string::npos);

        // Too long for one message: the largest fields give way to their
        // size and hash, and the message still parses.
        AuditEvent big = e;
        big.message = std::string(20000, 'm');
        big.trace = "{\"t\":\"" + std::string(30000, 't') + "\"}";
        const auto target = ForwardTarget::parse("syslog://127.0.0.1:514", nullptr);
        QVERIFY(target);
        std::string frames;
        appendSyslogFrames(frames, *target, h, big, {}, "9.9");
        QVERIFY(frames.size() < 2 * ForwardTarget::kDefaultMaxMessage);
        std::size_t pos = 0;
        int messages = 0;
        while (pos < frames.size()) {
            const std::size_t sp = frames.find(' ', pos);
            const std::size_t len = std::stoul(frames.substr(pos, sp - pos));
            QVERIFY(len <= ForwardTarget::kDefaultMaxMessage);
            const std::string msg = frames.substr(sp + 1, len);
            const auto brace = msg.find('{');
            QJsonParseError pe;
            QJsonDocument::fromJson(QByteArray::fromStdString(msg.substr(brace)), &pe);
            QVERIFY2(pe.error == QJsonParseError::NoError, msg.substr(0, 300).c_str());
            QVERIFY(msg.find("[not forwarded: 20000 bytes, sha256 ") != std::string::npos);
            pos = sp + 1 + len;
            ++messages;
        }
        QCOMPARE(messages, 2); // the event and its finding (a block)
        QVERIFY(!ForwardTarget::parse("syslog://127.0.0.1:514?max_message=100", nullptr));
        QCOMPARE(ForwardTarget::parse("syslog://127.0.0.1:514?max_message=65536", nullptr)->maxMessage, std::size_t(65536));
    }

    void tokenFileMustBePrivate()
    {
        const QString token = m_dir.filePath(QStringLiteral("token-open"));
        writeFile(token, "abc\n", QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        std::string error;
        auto o = options("http://127.0.0.1:9/in?token_file=" + token.toStdString(), m_dir.filePath(QStringLiteral("c0")));
        QVERIFY(!Forwarder::start(o, &error));
        QVERIFY2(error.find("chmod 600") != std::string::npos, error.c_str());
        const QString link = m_dir.filePath(QStringLiteral("token-link"));
        const QString good = m_dir.filePath(QStringLiteral("token-good"));
        writeFile(good, "abc\n", QFile::ReadOwner | QFile::WriteOwner);
        QVERIFY(QFile::link(good, link));
        o = options("http://127.0.0.1:9/in?token_file=" + link.toStdString(), m_dir.filePath(QStringLiteral("c0")));
        QVERIFY(!Forwarder::start(o, &error));
        QVERIFY2(error.find("token_file") != std::string::npos, error.c_str());
        const QString spaces = m_dir.filePath(QStringLiteral("token-spaces"));
        writeFile(spaces, "abc def\r\nX-Injected: 1\n", QFile::ReadOwner | QFile::WriteOwner);
        o = options("http://127.0.0.1:9/in?token_file=" + spaces.toStdString(), m_dir.filePath(QStringLiteral("c0")));
        QVERIFY(!Forwarder::start(o, &error));
        QVERIFY2(error.find("one line of token characters") != std::string::npos, error.c_str());
    }

    // The collector goes down mid-run, swallows a batch it received, answers
    // errors, comes back; the forwarder is restarted from its cursor.
    void httpAcrossOutagesAndRestarts()
    {
        osh::test::HttpCollector c;
        QVERIFY(c.up());
        const QString token = m_dir.filePath(QStringLiteral("token"));
        writeFile(token, "s3cr3t-token\n", QFile::ReadOwner | QFile::WriteOwner);
        const QString cursors = m_dir.filePath(QStringLiteral("cursors-http"));
        const std::string url = "http://127.0.0.1:" + std::to_string(c.port) + "/collector?token_file=" + token.toStdString()
            + "&peer_uid=" + std::to_string(::geteuid());
        std::string error;
        auto f = Forwarder::start(options(url, cursors), &error);
        QVERIFY2(f, error.c_str());
        QTRY_COMPARE_WITH_TIMEOUT(f->status().cursor, static_cast<std::int64_t>(m_appended), 10000);
        QCOMPARE(f->status().pending, 0);
        QCOMPARE(f->status().state, std::string("idle"));
        QCOMPARE(c.authorizations.front(), QByteArray("Bearer s3cr3t-token"));
        QVERIFY(c.bodies.size() >= 40 / 7);

        // Down: events committed meanwhile wait; the status says why.
        c.down();
        append(30);
        QTRY_COMPARE_WITH_TIMEOUT(f->status().state, std::string("retrying"), 10000);
        QVERIFY(f->status().pending > 0);
        // (a write on the connection kept alive may fail first: "Broken pipe")
        QTRY_VERIFY_WITH_TIMEOUT(f->status().lastError.find("connect to 127.0.0.1") != std::string::npos, 10000);
        QVERIFY(f->status().lagSeconds > 0);

        // Back, but the first batch is received and never answered, then
        // two are refused with 503: all of them are sent again.
        c.swallow = 1;
        QVERIFY(c.up());
        QTRY_VERIFY_WITH_TIMEOUT(c.swallow == 0, 10000);
        c.status = 503;
        const std::size_t before = c.bodies.size();
        QTRY_VERIFY_WITH_TIMEOUT(c.bodies.size() >= before + 2, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(f->status().lastError.find("HTTP 503") != std::string::npos, 10000);
        c.status = 200;
        QTRY_COMPARE_WITH_TIMEOUT(f->status().pending, 0, 20000);
        QVERIFY(f->status().failures >= 3);
        QVERIFY(f->status().lastError.empty());

        // A restart resumes from the cursor file: nothing delivered is sent
        // again, what was committed while it was stopped goes out.
        f.reset();
        append(10);
        const std::size_t received = c.objects().size();
        f = Forwarder::start(options(url, cursors), &error);
        QVERIFY2(f, error.c_str());
        QTRY_COMPARE_WITH_TIMEOUT(f->status().pending, 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(f->status().cursor, static_cast<std::int64_t>(m_appended), 10000);
        const auto all = c.objects();
        std::set<QString> before2;
        for (std::size_t i = 0; i < received; ++i)
            before2.insert(all[i].value(QStringLiteral("metadata")).toObject().value(QStringLiteral("uid")).toString());
        for (std::size_t i = received; i < all.size(); ++i)
            QVERIFY(!before2.count(all[i].value(QStringLiteral("metadata")).toObject().value(QStringLiteral("uid")).toString()));
        checkComplete(all, true);
        f.reset();
        c.down();
    }

    // Any local user can listen on a loopback port the collector left free:
    // a socket of another uid than peer_uid gets nothing, not even a request.
    void plainCollectorOfAnotherUid()
    {
        osh::test::HttpCollector c;
        QVERIFY(c.up());
        const QString token = m_dir.filePath(QStringLiteral("token-peer"));
        writeFile(token, "never-sent\n", QFile::ReadOwner | QFile::WriteOwner);
        const std::string url = "http://127.0.0.1:" + std::to_string(c.port) + "/?token_file=" + token.toStdString()
            + "&peer_uid=" + std::to_string(::geteuid() + 1);
        std::string error;
        auto f = Forwarder::start(options(url, m_dir.filePath(QStringLiteral("cursors-peer"))), &error);
        QVERIFY2(f, error.c_str());
        QTRY_VERIFY_WITH_TIMEOUT(f->status().lastError.find("is a socket of uid " + std::to_string(::geteuid())) != std::string::npos,
                                 10000);
        QTest::qWait(200);
        QVERIFY(c.bodies.empty());
        QCOMPARE(f->status().cursor, 0);
        f.reset();
        c.down();
    }

    // A socket connected to itself (nothing listens on a port of the
    // ephemeral range) is refused; a dual-stack listener's IPv4 peer is found.
    void peerOfALoopbackConnection()
    {
        const int self = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(self, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
        socklen_t len = sizeof a;
        ::getsockname(self, reinterpret_cast<sockaddr *>(&a), &len);
        QCOMPARE(::connect(self, reinterpret_cast<sockaddr *>(&a), sizeof a), 0); // TCP simultaneous open with itself
        unsigned uid = 12345;
        std::string error;
        QVERIFY(!loopbackPeerUid(self, uid, error));
        QVERIFY2(error.find("connected to itself") != std::string::npos, error.c_str());
        ::close(self);

        QTcpServer dual;
        QVERIFY(dual.listen(QHostAddress::Any)); // [::], IPv4 too
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        a.sin_port = htons(dual.serverPort());
        QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
        error.clear();
        QVERIFY2(loopbackPeerUid(fd, uid, error), error.c_str());
        QCOMPARE(uid, static_cast<unsigned>(::geteuid()));
        ::close(fd);
    }

    // An answer the collector sent unasked does not acknowledge the next
    // batch; interim answers are skipped.
    void strayAndInterimAnswers()
    {
        osh::test::HttpCollector c;
        QVERIFY(c.up());
        c.extraAnswers = 1;
        c.interim = true;
        c.answerLimit = 1;
        const std::string url = "http://127.0.0.1:" + std::to_string(c.port) + "/?peer_uid=" + std::to_string(::geteuid());
        auto o = options(url, m_dir.filePath(QStringLiteral("cursors-stray")));
        o.ioTimeoutMs = 500;
        std::string error;
        auto f = Forwarder::start(o, &error);
        QVERIFY2(f, error.c_str());
        QTRY_VERIFY_WITH_TIMEOUT(f->status().failures > 0, 10000);
        QCOMPARE(f->status().cursor, 7); // the first batch, answered (after a 100), and no more
        f.reset();
        c.down();
    }

    // The cursor belongs to its store: another store at the same path is
    // refused; a store that lost its last events rewinds to its end.
    void cursorBelongsToItsStore()
    {
        osh::test::HttpCollector c;
        QVERIFY(c.up());
        const std::string url = "http://127.0.0.1:" + std::to_string(c.port) + "/?peer_uid=" + std::to_string(::geteuid());
        const QString cursors = m_dir.filePath(QStringLiteral("cursors-store"));
        const QString path = m_dir.filePath(QStringLiteral("other.db"));
        auto fill = [&](int n, const char *session) {
            std::string error;
            auto store = AuditStore::open(path.toStdString(), error);
            QVERIFY2(store, error.c_str());
            for (int i = 0; i < n; ++i)
                store->append(makeEvent(session, "tool_call", m_base + i));
            QVERIFY(store->flush(10000));
        };
        auto start = [&](std::string &error) {
            auto o = options(url, cursors);
            o.storePath = path.toStdString();
            return Forwarder::start(o, &error);
        };
        fill(10, "o");
        std::string error;
        auto f = start(error);
        QVERIFY2(f, error.c_str());
        QTRY_COMPARE_WITH_TIMEOUT(f->status().cursor, 10, 10000);
        f.reset();

        // The last four events lost (a crash before they were durable).
        {
            sqlite3 *db = nullptr;
            QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
            QCOMPARE(sqlite3_exec(db, "DELETE FROM events WHERE id > 6", nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(db);
        }
        f = start(error);
        QVERIFY2(f, error.c_str());
        QVERIFY2(f->startNote().find("before the cursor (10)") != std::string::npos, f->startNote().c_str());
        QCOMPARE(f->status().cursor, 6);
        const std::size_t before = c.objects().size();
        fill(2, "o"); // ids 7 and 8 again, new events
        QTRY_COMPARE_WITH_TIMEOUT(f->status().cursor, 8, 10000);
        QCOMPARE(c.objects().size(), before + 2);

        // Events removed under the running forwarder: it goes on from the
        // store's end, so the event taking a removed id is forwarded.
        {
            sqlite3 *db = nullptr;
            QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
            QCOMPARE(sqlite3_exec(db, "DELETE FROM events WHERE id > 5", nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(db);
        }
        QTRY_COMPARE_WITH_TIMEOUT(f->status().cursor, 5, 10000);
        QVERIFY2(f->status().lastError.find("events were removed from the store") != std::string::npos,
                 f->status().lastError.c_str());
        fill(1, "o");
        QTRY_COMPARE_WITH_TIMEOUT(f->status().cursor, 6, 10000);
        QCOMPARE(c.objects().size(), before + 3);
        f.reset();

        // Another store at the same path.
        for (const char *suffix : {"", "-wal", "-shm"})
            QFile::remove(path + QLatin1String(suffix));
        fill(12, "p");
        QVERIFY(!start(error));
        QVERIFY2(error.find("was written for another store") != std::string::npos, error.c_str());
        c.down();
    }

    // A collector refusing one event's content for good: the batches are
    // halved down to that event, which goes out as a stand-in; everything
    // after it is delivered. Also when the refused event's id does not
    // follow the cursor's (ids have gaps: a shared PostgreSQL store's ids
    // are every host's, and rolled-back transactions skip some).
    void refusedEventGoesAsStandIn_data()
    {
        QTest::addColumn<bool>("gap");
        QTest::newRow("ids in a row") << false;
        QTest::newRow("a gap before the refused event") << true;
    }
    void refusedEventGoesAsStandIn()
    {
        QFETCH(bool, gap);
        osh::test::HttpCollector c;
        QVERIFY(c.up());
        c.refuse = "POISON";
        const QString path = m_dir.filePath(gap ? QStringLiteral("poison-gap.db") : QStringLiteral("poison.db"));
        {
            std::string error;
            auto store = AuditStore::open(path.toStdString(), error);
            QVERIFY2(store, error.c_str());
            for (int i = 1; i <= 20; ++i) {
                AuditEvent e = makeEvent("x", "tool_call", m_base + i);
                if (i == 9)
                    e.message = "an agent's POISON for the collector";
                store->append(e);
            }
            QVERIFY(store->flush(10000));
        }
        if (gap) {
            sqlite3 *db = nullptr;
            QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
            QCOMPARE(sqlite3_exec(db, "DELETE FROM events WHERE seq = 8", nullptr, nullptr, nullptr), SQLITE_OK);
            sqlite3_close(db);
        }
        const std::string url = "http://127.0.0.1:" + std::to_string(c.port) + "/?peer_uid=" + std::to_string(::geteuid());
        auto o = options(url, m_dir.filePath(gap ? QStringLiteral("cursors-poison-gap") : QStringLiteral("cursors-poison")));
        o.storePath = path.toStdString();
        std::string error;
        auto f = Forwarder::start(o, &error);
        QVERIFY2(f, error.c_str());
        QTRY_COMPARE_WITH_TIMEOUT(f->status().cursor, 20, 10000);
        QCOMPARE(f->status().standIns, std::uint64_t(1));
        std::map<qint64, QJsonObject> bySeq;
        for (const QJsonObject &obj : c.objects()) {
            const QJsonObject meta = obj.value(QStringLiteral("metadata")).toObject();
            if (!meta.value(QStringLiteral("uid")).toString().endsWith(QStringLiteral("#finding")))
                bySeq.insert_or_assign(meta.value(QStringLiteral("sequence")).toInteger(), obj); // the last copy: refused ones came first
        }
        QCOMPARE(bySeq.size(), std::size_t(gap ? 19 : 20));
        const QJsonObject stub = bySeq[9].value(QStringLiteral("unmapped")).toObject();
        QVERIFY(stub.value(QStringLiteral("not_forwarded")).toBool());
        QCOMPARE(stub.value(QStringLiteral("chain")).toString().size(), 64);
        QVERIFY(!QJsonDocument(bySeq[9]).toJson().contains("POISON"));
        QVERIFY(!bySeq[10].value(QStringLiteral("unmapped")).toObject().contains(QStringLiteral("not_forwarded")));
        f.reset();
        c.down();
    }

    // The cursor folder swapped for a link to another folder after the
    // forwarder checked it: cursors still go to the folder it checked, and
    // nothing is written through the link (the service runs as root; the
    // link could point anywhere).
    void cursorFolderSwappedForALink()
    {
        osh::test::HttpCollector c;
        QVERIFY(c.up());
        const std::string url = "http://127.0.0.1:" + std::to_string(c.port) + "/?peer_uid=" + std::to_string(::geteuid());
        const QString path = m_dir.filePath(QStringLiteral("swap.db"));
        auto fill = [&](int n) {
            std::string error;
            auto store = AuditStore::open(path.toStdString(), error);
            QVERIFY2(store, error.c_str());
            for (int i = 0; i < n; ++i)
                store->append(makeEvent("w", "tool_call", m_base + i));
            QVERIFY(store->flush(10000));
        };
        fill(3);
        const QString cursors = m_dir.filePath(QStringLiteral("cursors-swap"));
        const QString moved = m_dir.filePath(QStringLiteral("cursors-swap.checked"));
        const QString elsewhere = m_dir.filePath(QStringLiteral("elsewhere"));
        QVERIFY(QDir().mkpath(elsewhere));
        auto o = options(url, cursors);
        o.storePath = path.toStdString();
        std::string error;
        auto f = Forwarder::start(o, &error);
        QVERIFY2(f, error.c_str());
        QTRY_COMPARE_WITH_TIMEOUT(f->status().cursor, 3, 10000);
        QVERIFY(QDir().rename(cursors, moved));
        QVERIFY(QFile::link(elsewhere, cursors));
        fill(2);
        QTRY_COMPARE_WITH_TIMEOUT(f->status().cursor, 5, 10000);
        f.reset();
        QVERIFY2(QDir(elsewhere).entryList(QDir::Files | QDir::Hidden).isEmpty(),
                 qPrintable(QDir(elsewhere).entryList(QDir::Files | QDir::Hidden).join(QLatin1Char(' '))));
        const QString name = QFileInfo(QString::fromStdString(Forwarder::cursorPath("", url))).fileName();
        QFile saved(moved + QLatin1Char('/') + name);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(saved.readAll().split('\n').value(1), QByteArray("5"));
        c.down();
    }

    // A cursor file that is not this destination's is refused, not reset.
    void foreignCursorRefused()
    {
        const QString cursors = m_dir.filePath(QStringLiteral("cursors-foreign"));
        QVERIFY(QDir().mkpath(cursors));
        const std::string url = "syslog://127.0.0.1:9";
        writeFile(QString::fromStdString(Forwarder::cursorPath(cursors.toStdString(), url)),
                  "openshell-forward-cursor 2\n5\nabc\ndef\nsyslog://127.0.0.1:10\n", QFile::ReadOwner | QFile::WriteOwner);
        std::string error;
        QVERIFY(!Forwarder::start(options(url, cursors), &error));
        QVERIFY2(error.find("not this destination's cursor") != std::string::npos, error.c_str());
    }

    // A collector that accepts and then never reads: stop() does not hang.
    void stopWhileTheCollectorHangs()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        const std::string url = "http://127.0.0.1:" + std::to_string(silent.serverPort()) + "/?peer_uid=" + std::to_string(::geteuid());
        std::string error;
        auto o = options(url, m_dir.filePath(QStringLiteral("cursors-silent")));
        o.ioTimeoutMs = 60000;
        auto f = Forwarder::start(o, &error);
        QVERIFY2(f, error.c_str());
        QTRY_COMPARE_WITH_TIMEOUT(f->status().state, std::string("delivering"), 10000);
        QElapsedTimer t;
        t.start();
        f->stop();
        QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(f->status().state, std::string("stopped"));
    }

    void rsyslog_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<QString>("format");
        QTest::newRow("tcp ocsf") << false << "ocsf";
        QTest::newRow("tls ocsf") << true << "ocsf";
        QTest::newRow("tcp cef") << false << "cef";
    }
    // Debian's rsyslog, on a loopback port of its own, receives every event
    // intact: parsed as RFC 5424 (MSGID, structured data), the message whole.
    void rsyslog()
    {
        QFETCH(bool, tls);
        QFETCH(QString, format);
        const QString rsyslogd = QStringLiteral("/usr/sbin/rsyslogd");
        QVERIFY2(QFile::exists(rsyslogd), "rsyslog is not installed (scripts/setup.sh installs it)");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString d = dir.path();
        // rsyslog's default message size (8 KiB), as the forwarder's default cap.
        QString global = QStringLiteral("global(workDirectory=\"%1\"").arg(d);
        QString module = QStringLiteral("module(load=\"imtcp\")");
        if (tls) {
            QVERIFY2(QFile::exists(QStringLiteral("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so")),
                     "rsyslog-gnutls is not installed (scripts/setup.sh installs it)");
            const std::string dd = d.toStdString();
            const std::vector<std::vector<std::string>> steps = {
                {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", dd + "/ca.key",
                 "-out", dd + "/ca.pem", "-days", "2", "-subj", "/CN=forwarding test CA"},
                {"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", dd + "/key.pem", "-out",
                 dd + "/srv.csr", "-subj", "/CN=127.0.0.1"},
                {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                 dd + "/other-ca.key", "-out", dd + "/other-ca.pem", "-days", "2", "-subj", "/CN=another CA"},
                {"x509", "-req", "-in", dd + "/srv.csr", "-CA", dd + "/ca.pem", "-CAkey", dd + "/ca.key", "-CAcreateserial",
                 "-out", dd + "/cert.pem", "-days", "2", "-extfile", dd + "/ext"},
            };
            writeFile(d + QStringLiteral("/ext"), "subjectAltName=IP:127.0.0.1\n", QFile::ReadOwner | QFile::WriteOwner);
            for (const auto &step : steps) {
                QStringList args;
                for (const auto &arg : step)
                    args << QString::fromStdString(arg);
                QProcess p;
                p.start(QStringLiteral("openssl"), args);
                QVERIFY(p.waitForFinished(30000));
                QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
            }
            global += QStringLiteral(" DefaultNetstreamDriver=\"gtls\" DefaultNetstreamDriverCAFile=\"%1/ca.pem\" "
                                     "DefaultNetstreamDriverCertFile=\"%1/cert.pem\" DefaultNetstreamDriverKeyFile=\"%1/key.pem\"")
                          .arg(d);
            module = QStringLiteral("module(load=\"imtcp\" StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\" "
                                    "StreamDriver.AuthMode=\"anon\")");
        }
        const QString conf = global + QStringLiteral(")\n") + module
            + QStringLiteral("\ntemplate(name=\"t\" type=\"string\" string=\"%msgid%\\t%structured-data%\\t%msg%\\n\")\n"
                             "ruleset(name=\"r\") { action(type=\"omfile\" file=\"%1/out.log\" template=\"t\") }\n"
                             "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"0\" listenPortFileName=\"%1/port\" ruleset=\"r\")\n")
                  .arg(d);
        writeFile(d + QStringLiteral("/rsyslog.conf"), conf.toUtf8(), QFile::ReadOwner | QFile::WriteOwner);
        QProcess rs;
        rs.setProcessChannelMode(QProcess::MergedChannels);
        rs.start(rsyslogd, {QStringLiteral("-n"), QStringLiteral("-f"), d + QStringLiteral("/rsyslog.conf"), QStringLiteral("-i"),
                            d + QStringLiteral("/rsyslogd.pid")});
        QVERIFY(rs.waitForStarted());
        auto stopRsyslog = qScopeGuard([&rs] {
            rs.terminate();
            if (!rs.waitForFinished(5000))
                rs.kill();
        });
        QFile portFile(d + QStringLiteral("/port"));
        QTRY_VERIFY_WITH_TIMEOUT(portFile.exists() && portFile.size() > 0, 10000);
        QVERIFY(portFile.open(QIODevice::ReadOnly));
        const int port = portFile.readAll().trimmed().toInt();
        QVERIFY(port > 0);

        std::string url = std::string(tls ? "syslog+tls" : "syslog") + "://127.0.0.1:" + std::to_string(port) + "?format="
            + format.toStdString();
        std::string error;
        if (tls) {
            // A collector whose certificate does not chain to the CA given gets nothing.
            auto other = Forwarder::start(options(url + "&ca=" + d.toStdString() + "/other-ca.pem", d + QStringLiteral("/cursors-other")), &error);
            QVERIFY2(other, error.c_str());
            QTRY_VERIFY_WITH_TIMEOUT(other->status().failures > 0, 10000);
            QVERIFY2(other->status().lastError.find("certificate rejected: unable to get local issuer certificate") != std::string::npos, other->status().lastError.c_str());
            QCOMPARE(other->status().cursor, 0);
            other.reset();
            url += "&ca=" + d.toStdString() + "/ca.pem";
        } else {
            url += "&peer_uid=" + std::to_string(::geteuid());
        }
        auto f = Forwarder::start(options(url, d + QStringLiteral("/cursors")), &error);
        QVERIFY2(f, error.c_str());
        QTRY_COMPARE_WITH_TIMEOUT(f->status().pending, 0, 15000);
        QVERIFY2(f->status().lastError.empty(), f->status().lastError.c_str());

        const int blocks = (m_appended + 4) / 5;
        const int expected = m_appended + (format == QLatin1StringView("ocsf") ? blocks : 0);
        QFile out(d + QStringLiteral("/out.log"));
        const auto linesWritten = [&out] {
            QFile o(out.fileName());
            return o.open(QIODevice::ReadOnly) ? o.readAll().count('\n') : 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(linesWritten() >= expected, 10000);
        QVERIFY(out.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = out.readAll().split('\n');
        std::vector<QJsonObject> objects;
        std::set<QByteArray> cefIds;
        for (const QByteArray &line : lines) {
            if (line.isEmpty())
                continue;
            const QList<QByteArray> parts = line.split('\t');
            QCOMPARE(parts.size(), 3);
            QVERIFY2(!line.contains("FORGED") && line.size() < 8300, line.left(300).constData());
            QCOMPARE(parts[0], QByteArray("tool_call"));
            QVERIFY2(parts[1].startsWith("[openshell@32473 uid=\""), parts[1].constData());
            if (format == QLatin1StringView("ocsf")) {
                QJsonParseError pe;
                const auto doc = QJsonDocument::fromJson(parts[2], &pe);
                QVERIFY2(pe.error == QJsonParseError::NoError, parts[2].left(200).constData());
                objects.push_back(doc.object());
            } else {
                QVERIFY2(parts[2].startsWith("CEF:0|OpenShell|OpenShell Studio|9.9|tool_call:"), parts[2].constData());
                const qsizetype at = parts[2].indexOf("externalId=");
                QVERIFY(at > 0);
                cefIds.insert(parts[2].mid(at + 11, parts[2].indexOf(' ', at) - at - 11));
            }
        }
        if (format == QLatin1StringView("ocsf"))
            checkComplete(objects, true);
        else
            QCOMPARE(static_cast<int>(cefIds.size()), m_appended);
    }
};

QTEST_GUILESS_MAIN(TstForwarder)
#include "tst_forwarder.moc"
