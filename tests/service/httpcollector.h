#pragma once
// A test's HTTP collector on loopback, the shape of a SIEM's HTTP event
// collector: records each POST's body and Authorization header; can go down
// (closing every connection) and come back on the same port, answer an
// error status, or swallow requests without answering.

#include <QByteArray>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>

#include <map>
#include <vector>

namespace osh::test {

class HttpCollector : public QObject
{
public:
    QTcpServer server;
    quint16 port = 0;
    std::vector<QByteArray> bodies;
    std::vector<QByteArray> authorizations;
    int swallow = 0;   // this many requests are read and never answered
    int status = 200;  // the answer to the others
    int extraAnswers = 0; // answers written after the next answer, unasked (then reset)
    int answerLimit = -1; // requests still answered (then swallowed); -1: every one
    bool interim = false; // a "100 Continue" before every answer
    QByteArray refuse;    // a body holding this is answered 400
    std::vector<QTcpSocket *> clients;
    std::map<QTcpSocket *, QByteArray> buffers;

    bool up()
    {
        if (!server.listen(QHostAddress::LocalHost, port))
            return false;
        port = server.serverPort();
        QObject::connect(&server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = server.nextPendingConnection()) {
                clients.push_back(s);
                QObject::connect(s, &QTcpSocket::readyRead, this, [this, s] { read(s); });
            }
        });
        return true;
    }
    void down()
    {
        server.close();
        QObject::disconnect(&server, nullptr, this, nullptr);
        for (QTcpSocket *s : clients) {
            s->abort();
            s->deleteLater();
        }
        clients.clear();
        buffers.clear();
    }
    void read(QTcpSocket *s)
    {
        QByteArray &b = buffers[s];
        b += s->readAll();
        for (;;) {
            const qsizetype end = b.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QByteArray head = b.left(end);
            qsizetype length = 0;
            QByteArray auth;
            for (const QByteArray &line : head.split('\n')) {
                const QByteArray l = line.trimmed();
                if (l.toLower().startsWith("content-length:"))
                    length = l.mid(15).trimmed().toLongLong();
                if (l.toLower().startsWith("authorization:"))
                    auth = l.mid(14).trimmed();
            }
            if (b.size() < end + 4 + length)
                return;
            const QByteArray body = b.mid(end + 4, length);
            b.remove(0, end + 4 + length);
            if (swallow > 0 || answerLimit == 0) {
                if (swallow > 0)
                    --swallow;
                bodies.push_back(body); // it arrived; the sender never learns
                authorizations.push_back(auth);
                continue;
            }
            bodies.push_back(body);
            authorizations.push_back(auth);
            const int code = !refuse.isEmpty() && body.contains(refuse) ? 400 : status;
            const QByteArray answer = code == 200 ? QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                                                    : "HTTP/1.1 " + QByteArray::number(code) + " No\r\nContent-Length: 0\r\n\r\n";
            if (answerLimit > 0)
                --answerLimit;
            if (interim)
                s->write("HTTP/1.1 100 Continue\r\n\r\n");
            s->write(answer);
            for (; extraAnswers > 0; --extraAnswers)
                s->write(answer);
        }
    }
    // Every OCSF object received, in arrival order.
    std::vector<QJsonObject> objects() const
    {
        std::vector<QJsonObject> out;
        for (const QByteArray &b : bodies)
            for (const auto &v : QJsonDocument::fromJson(b).array())
                out.push_back(v.toObject());
        return out;
    }
};

} // namespace osh::test
