// The launcher's end of the microVM socket mux (VmMuxHost) against a fake
// guest (a client of its listening socket speaking init/vmmux.h) and fake
// host services (Unix sockets in a temporary folder): channels carrying data
// both ways, half closes, refused opens, frames the protocol does not allow,
// one VMM connection only, and memory bounded when either side stops reading.

#include "sandbox/vmmuxhost.h"

#include "sandbox/init/vmmux.h"

#include <QCryptographicHash>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <csignal>
#include <cstring>
#include <memory>
#include <thread>

#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace osh;
using namespace osh::runtime;
using vmmux::FrameType;

namespace {

constexpr qint64 kMiB = 1 << 20;

QByteArray header(quint32 channel, quint32 length, unsigned char type, unsigned char pad = 0)
{
    unsigned char h[vmmux::kHeaderSize];
    vmmux::putU32(h, channel);
    vmmux::putU32(h + 4, length);
    h[8] = type;
    h[9] = h[10] = 0;
    h[11] = pad;
    return QByteArray(reinterpret_cast<const char *>(h), sizeof h);
}

QByteArray frame(quint32 channel, FrameType type, const QByteArray &payload = {})
{
    return header(channel, quint32(payload.size()), static_cast<unsigned char>(type)) + payload;
}

QByteArray openFrame(quint32 channel, quint32 index)
{
    unsigned char i[4];
    vmmux::putU32(i, index);
    return frame(channel, FrameType::Open, QByteArray(reinterpret_cast<const char *>(i), 4));
}

// Bytes that differ from offset to offset, so a lost or repeated piece shows.
QByteArray pattern(qint64 offset, qsizetype size)
{
    QByteArray b(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        b[i] = static_cast<char>((offset + i) * 7 % 251);
    return b;
}

struct Frame
{
    quint32 channel;
    FrameType type;
    QByteArray payload;
};

// QEMU's end of the stream, with the guest behind it.
class FakeGuest
{
public:
    explicit FakeGuest(const QString &path)
    {
        QObject::connect(&socket, &QLocalSocket::readyRead, &socket, [this] {
            if (reading)
                read();
        });
        socket.connectToServer(path);
    }

    void send(const QByteArray &bytes) { socket.write(bytes); }
    void read()
    {
        in += socket.readAll();
        vmmux::FrameHeader h;
        while (in.size() >= qsizetype(vmmux::kHeaderSize)) {
            if (!vmmux::decodeHeader(reinterpret_cast<const unsigned char *>(in.constData()), &h)) {
                malformed = true;
                return;
            }
            if (in.size() < qsizetype(vmmux::kHeaderSize + h.length))
                return;
            frames.append({h.channel, h.type, in.mid(vmmux::kHeaderSize, h.length)});
            in.remove(0, vmmux::kHeaderSize + h.length);
        }
    }
    QByteArray data(quint32 channel) const
    {
        QByteArray all;
        for (const Frame &f : frames)
            if (f.channel == channel && f.type == FrameType::Data)
                all += f.payload;
        return all;
    }
    // The channel's frames other than Data, in order.
    QList<FrameType> ends(quint32 channel) const
    {
        QList<FrameType> types;
        for (const Frame &f : frames)
            if (f.channel == channel && f.type != FrameType::Data)
                types << f.type;
        return types;
    }

    QLocalSocket socket;
    QByteArray in;
    QList<Frame> frames;
    bool malformed = false;
    bool reading = true;
};

// A host service: echoes, or sends a greeting and closes, or takes its input
// only when told to.
class Service
{
public:
    enum Kind { Echo, Greeter, Sink };

    Service(const QString &path, Kind kind, QByteArray greeting = {})
    {
        QObject::connect(&server, &QLocalServer::newConnection, &server, [this, kind, greeting] {
            while (QLocalSocket *s = server.nextPendingConnection()) {
                sockets << s;
                if (kind == Echo) {
                    QObject::connect(s, &QLocalSocket::readyRead, s, [s] { s->write(s->readAll()); });
                } else if (kind == Greeter) {
                    s->write(greeting);
                    s->disconnectFromServer();
                } else {
                    s->setReadBufferSize(64 * 1024);
                    QObject::connect(s, &QLocalSocket::readyRead, s, [this, s] {
                        if (draining)
                            take(s);
                    });
                }
            }
        });
        QVERIFY(server.listen(path));
    }

    void drain()
    {
        draining = true;
        for (QLocalSocket *s : std::as_const(sockets))
            take(s);
    }

    QLocalServer server;
    QList<QLocalSocket *> sockets;
    bool draining = false;
    qint64 received = 0;
    QCryptographicHash hash{QCryptographicHash::Sha256};

private:
    void take(QLocalSocket *s)
    {
        const QByteArray b = s->readAll();
        received += b.size();
        hash.addData(b);
    }
};

// A service on plain sockets, for what QLocalSocket cannot show: it reads to
// its end of file (QLocalSocket closes the whole connection there), then
// answers and closes; or (never accepting) it takes no data at all.
class RawService
{
public:
    explicit RawService(const QString &path, int backlog = 4)
    {
        m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        const QByteArray p = QFile::encodeName(path);
        std::memcpy(addr.sun_path, p.constData(), size_t(p.size()) + 1);
        listening = m_fd >= 0 && ::bind(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 && ::listen(m_fd, backlog) == 0;
    }
    ~RawService()
    {
        if (m_thread.joinable())
            m_thread.join();
        ::close(m_fd);
    }

    void answerAtEof()
    {
        m_thread = std::thread([this] {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 5000) != 1)
                return;
            const int c = ::accept(m_fd, nullptr, nullptr);
            if (c < 0)
                return;
            p = {c, POLLIN, 0};
            char buf[4096];
            qint64 n = 0;
            for (;;) {
                if (::poll(&p, 1, 5000) != 1)
                    break;
                const ssize_t r = ::read(c, buf, sizeof buf);
                if (r <= 0) {
                    sawEof = r == 0;
                    break;
                }
                n += r;
            }
            const QByteArray answer = "read " + QByteArray::number(n);
            if (sawEof && ::write(c, answer.constData(), size_t(answer.size())) == answer.size())
                answered = true;
            ::close(c);
        });
    }

    bool listening = false;
    std::atomic<bool> sawEof{false};
    std::atomic<bool> answered{false};

private:
    int m_fd = -1;
    std::thread m_thread;
};

} // namespace

class TstVmMuxHost : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_serial = 0;

    QString path(const QString &name) { return m_dir.filePath(name + QString::number(++m_serial)); }

    std::unique_ptr<VmMuxHost> listening(const QStringList &targets, QString *muxPath)
    {
        auto host = std::make_unique<VmMuxHost>(targets);
        *muxPath = path(QStringLiteral("mux"));
        QString error;
        if (!host->listen(*muxPath, &error))
            qWarning("%s", qPrintable(error));
        return host;
    }

    // A channel through `host` to an echo service carries bytes both ways.
    static bool echoes(FakeGuest &guest, quint32 channel, const QByteArray &bytes)
    {
        guest.send(frame(channel, FrameType::Data, bytes));
        return QTest::qWaitFor([&] { return guest.data(channel).endsWith(bytes); }, 5000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // tooManyChannels holds over a thousand sockets; 1024 is a common soft limit.
        rlimit files{};
        if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < 4096) {
            files.rlim_cur = std::min<rlim_t>(files.rlim_max, 4096);
            ::setrlimit(RLIMIT_NOFILE, &files);
        }
    }

    // A guest that asks for replies without reading them (a flood of Opens
    // that are refused with Close) is not read any further either: the
    // launcher's memory stays bounded.
    void refusedOpensDoNotPileUpReplies()
    {
        QString muxPath;
        const auto host = listening({}, &muxPath);
        FakeGuest guest(muxPath);
        guest.reading = false;
        QByteArray opens;
        for (quint32 id = 1; id <= 200000; ++id)
            opens += openFrame(id, 7);
        qint64 peak = 0;
        guest.send(opens); // 3.2 MB of requests for 2.4 MB of replies, many times over
        for (int round = 0; round < 12; ++round) {
            guest.send(opens);
            QTest::qWait(50);
            peak = std::max(peak, host->pendingBytes());
        }
        QVERIFY2(peak < 12 * 1024 * 1024, qPrintable(QString::number(peak)));
        QVERIFY(host->protocolError().isEmpty());
    }

    // The command's standard input rides on channel 0: what came before
    // QEMU connected is sent first, in frames of at most kMaxPayload, then
    // Eof; nothing after it.
    void standardInputIsChannelZero()
    {
        QString muxPath;
        const auto host = listening({}, &muxPath);
        host->sendStdin("before ", false);
        FakeGuest guest(muxPath);
        const QByteArray big = pattern(7, 3 * vmmux::kMaxPayload + 5);
        host->sendStdin(big, true);
        host->sendStdin("after the end", false);
        QTRY_COMPARE(guest.ends(vmmux::kStdinChannel), QList<FrameType>{FrameType::Eof});
        QCOMPARE(guest.data(vmmux::kStdinChannel), "before " + big);
        for (const Frame &f : guest.frames)
            QVERIFY(f.payload.size() <= qsizetype(vmmux::kMaxPayload));
        QVERIFY(host->protocolError().isEmpty());
    }

    void listensPrivately()
    {
        QString muxPath;
        const auto host = listening({}, &muxPath);
        struct stat st{};
        QCOMPARE(::stat(QFile::encodeName(muxPath).constData(), &st), 0);
        QVERIFY(S_ISSOCK(st.st_mode));
        QCOMPARE(st.st_mode & 07777, 0600u);
        QString error;
        VmMuxHost other({});
        QVERIFY(!other.listen(muxPath, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!other.listen(m_dir.filePath(QStringLiteral("missing/mux.sock")), &error));
    }

    // Frames split across writes, several frames in one write, Data before
    // the host connection is made; what comes back is cut into frames of at
    // most kMaxPayload.
    void roundTrip()
    {
        const QString target = path(QStringLiteral("echo"));
        Service echo(target, Service::Echo);
        QString muxPath;
        const auto host = listening({target}, &muxPath);
        FakeGuest guest(muxPath);

        QByteArray stream = openFrame(7, 0);
        QByteArray sent;
        for (const qsizetype size : {1, 100, int(vmmux::kMaxPayload), 3000, int(vmmux::kMaxPayload), 777, 50000}) {
            const QByteArray chunk = pattern(sent.size(), size);
            stream += frame(7, FrameType::Data, chunk);
            sent += chunk;
        }
        // A header cut in two, then one cut after the header, then the rest
        // in pieces that cut frames anywhere.
        for (const qsizetype cut : {5, 16 + 20, 9000, 70001}) {
            guest.send(stream.left(cut));
            stream.remove(0, cut);
            QTest::qWait(20);
        }
        while (!stream.isEmpty()) {
            guest.send(stream.left(33333));
            stream.remove(0, 33333);
        }
        QTRY_COMPARE(guest.data(7).size(), sent.size());
        QCOMPARE(guest.data(7), sent);
        for (const Frame &f : std::as_const(guest.frames))
            QVERIFY(f.payload.size() <= qsizetype(vmmux::kMaxPayload));
        QVERIFY(guest.ends(7).isEmpty());
        QVERIFY(!guest.malformed);
        QCOMPARE(host->openChannels(), 1);
        QVERIFY(host->protocolError().isEmpty());

        // A second channel beside it.
        guest.send(openFrame(8, 0));
        QVERIFY(echoes(guest, 8, "second"));
        QCOMPARE(host->openChannels(), 2);

        // The guest's Close: the host forgets the channel and says nothing on it.
        guest.send(frame(7, FrameType::Close));
        QTRY_COMPARE(host->openChannels(), 1);
        QTRY_COMPARE(echo.sockets.first()->state(), QLocalSocket::UnconnectedState);
        QVERIFY(guest.ends(7).isEmpty());
        QVERIFY(echoes(guest, 8, "still there"));

        // Dropping everything ends the stream.
        host->close();
        QCOMPARE(host->openChannels(), 0);
        QTRY_COMPARE(guest.socket.state(), QLocalSocket::UnconnectedState);
    }

    // The guest's Eof is a half close of the host connection: the service
    // reads its end of file and still answers. Then the host side ends too,
    // and the channel is closed.
    void guestEofHalfCloses()
    {
        const QString target = path(QStringLiteral("raw"));
        RawService service(target);
        QVERIFY(service.listening);
        service.answerAtEof();
        QString muxPath;
        const auto host = listening({target}, &muxPath);
        FakeGuest guest(muxPath);

        guest.send(openFrame(1, 0) + frame(1, FrameType::Data, "hello") + frame(1, FrameType::Eof));
        QTRY_VERIFY(service.answered);
        QVERIFY(service.sawEof);
        QTRY_COMPARE(guest.ends(1), (QList<FrameType>{FrameType::Eof, FrameType::Close}));
        QCOMPARE(guest.data(1), QByteArray("read 5"));
        QCOMPARE(host->openChannels(), 0);
    }

    // A service that sends and closes: the guest gets all of it and Eof, but
    // Close only once it ended its side too (the guest's init drops what it
    // has not passed on when Close comes).
    void hostEofReachesGuest()
    {
        const QString target = path(QStringLiteral("greeter"));
        const QByteArray greeting = pattern(0, 300 * 1024);
        Service greeter(target, Service::Greeter, greeting);
        QString muxPath;
        const auto host = listening({target}, &muxPath);
        FakeGuest guest(muxPath);

        guest.send(openFrame(3, 0));
        QTRY_COMPARE(guest.ends(3), QList<FrameType>{FrameType::Eof});
        QCOMPARE(guest.data(3), greeting);
        QCOMPARE(host->openChannels(), 1);
        // Data after the service closed has nowhere to go; it is dropped.
        guest.send(frame(3, FrameType::Data, "late"));
        guest.send(frame(3, FrameType::Eof));
        QTRY_COMPARE(guest.ends(3), (QList<FrameType>{FrameType::Eof, FrameType::Close}));
        QCOMPARE(host->openChannels(), 0);
        QVERIFY(host->protocolError().isEmpty());
    }

    // A service that closes while the guest still writes: the guest gets
    // Eof, its data has nowhere to go.
    void serviceClosesWhileGuestWrites()
    {
        const QString target = path(QStringLiteral("closer"));
        Service closer(target, Service::Greeter);
        QString muxPath;
        const auto host = listening({target}, &muxPath);
        FakeGuest guest(muxPath);

        guest.send(openFrame(1, 0));
        for (int i = 0; i < 32; ++i)
            guest.send(frame(1, FrameType::Data, pattern(i, vmmux::kMaxPayload)));
        QTRY_COMPARE(guest.ends(1), QList<FrameType>{FrameType::Eof});
        QTRY_COMPARE(guest.socket.bytesToWrite(), 0);
        guest.send(frame(1, FrameType::Data, "more") + frame(1, FrameType::Eof));
        QTRY_COMPARE(guest.ends(1), (QList<FrameType>{FrameType::Eof, FrameType::Close}));
        QVERIFY(guest.data(1).isEmpty());
        QCOMPARE(host->openChannels(), 0);
        QVERIFY(host->protocolError().isEmpty());
    }

    void refusedOpens()
    {
        const QString target = path(QStringLiteral("echo"));
        Service echo(target, Service::Echo);
        QString muxPath;
        const auto host = listening({target, path(QStringLiteral("nobody"))}, &muxPath);
        FakeGuest guest(muxPath);

        // An index past the list, and a target nobody listens on.
        guest.send(openFrame(1, 2) + openFrame(2, 1) + frame(2, FrameType::Data, "lost"));
        QTRY_COMPARE(guest.ends(1), QList<FrameType>{FrameType::Close});
        QTRY_COMPARE(guest.ends(2), QList<FrameType>{FrameType::Close});
        QCOMPARE(host->openChannels(), 0);
        QVERIFY(guest.data(1).isEmpty() && guest.data(2).isEmpty());
        // The refused ids stay unknown: their frames are ignored.
        guest.send(frame(1, FrameType::Data, "x") + frame(2, FrameType::Close));
        guest.send(openFrame(3, 0));
        QVERIFY(echoes(guest, 3, "fine"));
        QCOMPARE(guest.ends(1), QList<FrameType>{FrameType::Close});
        QVERIFY(host->protocolError().isEmpty());
    }

    void unknownChannelsAreIgnored()
    {
        const QString target = path(QStringLiteral("echo"));
        Service echo(target, Service::Echo);
        QString muxPath;
        const auto host = listening({target}, &muxPath);
        FakeGuest guest(muxPath);
        QSignalSpy violations(host.get(), &VmMuxHost::protocolViolation);

        guest.send(frame(99, FrameType::Data, "nobody") + frame(98, FrameType::Eof) + frame(97, FrameType::Close));
        guest.send(openFrame(1, 0));
        QVERIFY(echoes(guest, 1, "ping"));
        for (const Frame &f : std::as_const(guest.frames))
            QCOMPARE(f.channel, 1u);
        QCOMPARE(host->openChannels(), 1);
        QCOMPARE(violations.count(), 0);
    }

    // The channels go to a service that never accepts: connections wait in
    // its backlog, so 1024 of them are made at once.
    void tooManyChannels()
    {
        rlimit files{};
        if (::getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur < 1200)
            QSKIP("needs more than 1024 open files");
        const QString target = path(QStringLiteral("backlog"));
        RawService service(target, 2048);
        QVERIFY(service.listening);
        QString muxPath;
        const auto host = listening({target}, &muxPath);
        FakeGuest guest(muxPath);

        QByteArray opens;
        for (quint32 id = 1; id <= 1025; ++id)
            opens += openFrame(id, 0);
        guest.send(opens);
        QTRY_COMPARE(guest.ends(1025), QList<FrameType>{FrameType::Close});
        QCOMPARE(host->openChannels(), 1024);
        QCOMPARE(guest.frames.size(), 1);

        guest.send(frame(1, FrameType::Close));
        QTRY_COMPARE(host->openChannels(), 1023);
        guest.send(openFrame(1026, 0) + openFrame(1027, 0));
        QTRY_COMPARE(guest.ends(1027), QList<FrameType>{FrameType::Close});
        QCOMPARE(host->openChannels(), 1024);
        QVERIFY(guest.ends(1026).isEmpty());
    }

    void signalGuest()
    {
        QString muxPath;
        const auto host = listening({}, &muxPath);
        host->signalGuest(SIGINT); // no VMM yet: sent once it connects
        FakeGuest guest(muxPath);
        // A refused Open tells when the host has taken the connection.
        guest.send(openFrame(1, 0));
        QTRY_COMPARE(guest.frames.size(), 2);
        QCOMPARE(guest.frames.first().type, FrameType::Signal);
        QCOMPARE(guest.frames.first().payload, QByteArray(1, char(SIGINT)));
        host->signalGuest(SIGTERM);
        QTRY_COMPARE(guest.frames.size(), 3);
        QCOMPARE(guest.frames.last().channel, 0u);
        QCOMPARE(guest.frames.last().type, FrameType::Signal);
        QCOMPARE(guest.frames.last().payload, QByteArray(1, char(SIGTERM)));
    }

    // Random sequences of allowed frames, against every kind of target, some
    // ending in junk: no frame comes out on a channel after its Close, and
    // what comes out is well formed.
    void randomStreams()
    {
        const QString echoPath = path(QStringLiteral("echo"));
        Service echo(echoPath, Service::Echo);
        const QString greeterPath = path(QStringLiteral("greeter"));
        Service greeter(greeterPath, Service::Greeter, pattern(0, 100000));
        for (quint32 seed = 1; seed <= 10; ++seed) {
            QRandomGenerator random(seed);
            QString muxPath;
            const auto host = listening({echoPath, greeterPath, path(QStringLiteral("nobody"))}, &muxPath);
            FakeGuest guest(muxPath);
            QSet<quint32> opened;
            for (int i = 0; i < 300; ++i) {
                const quint32 id = random.bounded(1u, 13u);
                switch (random.bounded(6)) {
                case 0:
                    // Ids are never reused.
                    if (!opened.contains(id)) {
                        opened.insert(id);
                        guest.send(openFrame(id, random.bounded(4u)));
                    }
                    break;
                case 1:
                case 2:
                    guest.send(frame(id, FrameType::Data, pattern(i, random.bounded(1, 3000))));
                    break;
                case 3:
                    guest.send(frame(id, FrameType::Eof));
                    break;
                case 4:
                    guest.send(frame(id, FrameType::Close));
                    break;
                default:
                    QTest::qWait(1);
                }
            }
            if (seed % 2) {
                QByteArray junk(40, Qt::Uninitialized);
                for (char &b : junk)
                    b = char(random.bounded(256));
                guest.send(junk);
            }
            QTest::qWait(50);
            QVERIFY(!guest.malformed);
            QSet<quint32> closed;
            for (const Frame &f : std::as_const(guest.frames)) {
                QVERIFY2(!closed.contains(f.channel), qPrintable(QStringLiteral("seed %1, channel %2").arg(seed).arg(f.channel)));
                if (f.type == FrameType::Close)
                    closed.insert(f.channel);
            }
        }
    }

    void protocolViolations_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("type 0") << header(5, 0, 0);
        QTest::newRow("type 6") << header(5, 0, 6);
        QTest::newRow("data over kMaxPayload") << header(1, vmmux::kMaxPayload + 1, 2);
        QTest::newRow("empty data") << header(1, 0, 2);
        QTest::newRow("padding") << header(1, 1, 2, 1) + "x";
        QTest::newRow("open with 3 bytes") << header(5, 3, 1) + "abc";
        QTest::newRow("open with 5 bytes") << header(5, 5, 1) + "abcde";
        QTest::newRow("eof with a payload") << header(1, 1, 3) + "x";
        QTest::newRow("signal from the guest") << frame(0, FrameType::Signal, QByteArray(1, char(SIGTERM)));
        QTest::newRow("open of an open channel") << openFrame(1, 0);
    }

    // The stream ends, with every channel; another VmMuxHost is not affected.
    void protocolViolations()
    {
        QFETCH(QByteArray, bytes);
        const QString target = path(QStringLiteral("echo"));
        Service echo(target, Service::Echo);
        QString muxPath;
        auto host = listening({target}, &muxPath);
        FakeGuest guest(muxPath);
        QSignalSpy violations(host.get(), &VmMuxHost::protocolViolation);
        guest.send(openFrame(1, 0));
        QVERIFY(echoes(guest, 1, "before"));

        guest.send(bytes + frame(1, FrameType::Data, "after"));
        QTRY_COMPARE(violations.count(), 1);
        QVERIFY(!host->protocolError().isEmpty());
        QCOMPARE(violations.first().first().toString(), host->protocolError());
        QCOMPARE(host->openChannels(), 0);
        QTRY_COMPARE(guest.socket.state(), QLocalSocket::UnconnectedState);
        QTRY_COMPARE(echo.sockets.first()->state(), QLocalSocket::UnconnectedState);
        QCOMPARE(guest.data(1), QByteArray("before"));
        QTest::qWait(20);
        QCOMPARE(violations.count(), 1);

        QString otherPath;
        const auto other = listening({target}, &otherPath);
        FakeGuest next(otherPath);
        next.send(openFrame(1, 0));
        QVERIFY(echoes(next, 1, "fresh"));
        QVERIFY(other->protocolError().isEmpty());
        // A slot may delete the host: the signal is delivered after the work.
        host.reset();
    }

    void secondConnectionRefused()
    {
        const QString target = path(QStringLiteral("echo"));
        Service echo(target, Service::Echo);
        QString muxPath;
        const auto host = listening({target}, &muxPath);
        FakeGuest first(muxPath);
        first.send(openFrame(1, 0));
        QVERIFY(echoes(first, 1, "one"));

        FakeGuest second(muxPath);
        second.send(openFrame(1, 0) + frame(1, FrameType::Data, "two"));
        QTRY_COMPARE(second.socket.state(), QLocalSocket::UnconnectedState);
        QVERIFY(second.frames.isEmpty());
        QVERIFY(echoes(first, 1, "still one"));
        QCOMPARE(host->openChannels(), 1);
    }

    // The guest writes far more than a service takes: the stream stops being
    // read (the guest's writes back up) while what the host holds stays
    // small; once the service reads, everything arrives.
    void guestFloodIsBounded()
    {
        const QString target = path(QStringLiteral("sink"));
        Service sink(target, Service::Sink);
        QString muxPath;
        const auto host = listening({target}, &muxPath);
        FakeGuest guest(muxPath);

        constexpr qint64 total = 64 * kMiB;
        QCryptographicHash sent(QCryptographicHash::Sha256);
        guest.send(openFrame(1, 0));
        for (qint64 off = 0; off < total; off += vmmux::kMaxPayload) {
            const QByteArray chunk = pattern(off, vmmux::kMaxPayload);
            sent.addData(chunk);
            guest.send(frame(1, FrameType::Data, chunk));
        }
        QTRY_VERIFY(guest.socket.bytesToWrite() < total);
        qint64 most = 0;
        for (int i = 0; i < 20; ++i) {
            QTest::qWait(25);
            most = std::max(most, host->pendingBytes());
        }
        QVERIFY2(most < 8 * kMiB, qPrintable(QString::number(most)));
        QVERIFY(guest.socket.bytesToWrite() > total - 16 * kMiB);
        QCOMPARE(host->openChannels(), 1);

        sink.drain();
        QTRY_COMPARE_WITH_TIMEOUT(sink.received, total, 20000);
        QCOMPARE(sink.hash.result(), sent.result());
        QVERIFY(host->pendingBytes() < 8 * kMiB);
    }

    // A service that never reads at all (it never even accepts): the same.
    void guestFloodOfAStuckService()
    {
        const QString target = path(QStringLiteral("stuck"));
        RawService stuck(target);
        QVERIFY(stuck.listening);
        QString muxPath;
        const auto host = listening({target}, &muxPath);
        FakeGuest guest(muxPath);

        constexpr qint64 total = 64 * kMiB;
        guest.send(openFrame(1, 0));
        const QByteArray chunk = pattern(0, vmmux::kMaxPayload);
        for (qint64 off = 0; off < total; off += vmmux::kMaxPayload)
            guest.send(frame(1, FrameType::Data, chunk));
        QTRY_VERIFY(guest.socket.bytesToWrite() < total);
        qint64 most = 0;
        for (int i = 0; i < 20; ++i) {
            QTest::qWait(25);
            most = std::max(most, host->pendingBytes());
        }
        QVERIFY2(most < 8 * kMiB, qPrintable(QString::number(most)));
        QVERIFY(guest.socket.bytesToWrite() > total - 16 * kMiB);
        QVERIFY(host->protocolError().isEmpty());
    }

    // The other way: a service sends more than the guest reads.
    void hostFloodIsBounded()
    {
        constexpr qint64 total = 32 * kMiB;
        QByteArray flood;
        for (qint64 off = 0; off < total; off += vmmux::kMaxPayload)
            flood += pattern(off, vmmux::kMaxPayload);
        const QString target = path(QStringLiteral("flood"));
        Service greeter(target, Service::Greeter, flood);
        QString muxPath;
        const auto host = listening({target}, &muxPath);
        FakeGuest guest(muxPath);
        guest.reading = false;
        guest.socket.setReadBufferSize(64 * 1024);

        guest.send(openFrame(1, 0));
        QTRY_VERIFY(!greeter.sockets.isEmpty() && greeter.sockets.first()->bytesToWrite() < total);
        qint64 most = 0;
        for (int i = 0; i < 20; ++i) {
            QTest::qWait(25);
            most = std::max(most, host->pendingBytes());
        }
        QVERIFY2(most < 8 * kMiB, qPrintable(QString::number(most)));
        QVERIFY(greeter.sockets.first()->bytesToWrite() > total - 16 * kMiB);

        guest.reading = true;
        guest.read();
        QTRY_COMPARE_WITH_TIMEOUT(guest.data(1).size(), total, 20000);
        QVERIFY(guest.data(1) == flood);
        QTRY_COMPARE(guest.ends(1), QList<FrameType>{FrameType::Eof});
    }

    // QEMU going away ends every channel.
    void vmmGone()
    {
        const QString target = path(QStringLiteral("echo"));
        Service echo(target, Service::Echo);
        QString muxPath;
        const auto host = listening({target}, &muxPath);
        auto guest = std::make_unique<FakeGuest>(muxPath);
        guest->send(openFrame(1, 0));
        QVERIFY(echoes(*guest, 1, "up"));
        guest.reset();
        QTRY_COMPARE(host->openChannels(), 0);
        QTRY_COMPARE(echo.sockets.first()->state(), QLocalSocket::UnconnectedState);
        QVERIFY(host->protocolError().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstVmMuxHost)
#include "tst_vmmuxhost.moc"
