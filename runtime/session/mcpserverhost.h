#pragma once
// An MCP server (stdio transport) declared as a tool entry (`mcp:`): started
// once per session in a sandbox of its own, under the entry's network
// identity and with the agent's view of the files, and kept up (restarted
// with backoff when it ends, each end recorded). The gateway offers its
// tools as "<entry>.<tool>" and forwards the calls it has decided; this
// object speaks the client side of MCP to the server and nothing else: it
// answers the server's own requests (sampling, roots, elicitation) with
// "method not found", as a client that declares no such capabilities.

#include "model/policy.h"
#include "sandbox/sandboxspec.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <functional>
#include <map>

class QTimer;

namespace osh::runtime {

class Sandbox;
struct SandboxExit;

class McpServerHost : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString sessionId;
        int ordinal = 1; // the entry's number in the session (its sandboxes' ids)
        QString runDir; // the server's private folder is made below it
        // The sandbox's spec without argv: isolation, limits, identity,
        // environment, the agent's workspace and rule mounts, the proxy
        // socket of the entry's identity. argv comes from the entry.
        SandboxSpec base;
        QString policyDir;  // relative arguments name files of it
        QString policyMount; // where base mounts it
        // Events for the session's audit log (message, warning).
        std::function<void(const QString &message, bool warning)> event;
    };
    using Done = std::function<void(QJsonObject result, QString error)>;

    McpServerHost(ToolSpec entry, Options options, QObject *parent = nullptr);
    ~McpServerHost() override;

    const ToolSpec &entry() const { return m_entry; }
    void start();
    // The session ended: no restart, pending calls fail.
    void stop();
    bool isReady() const { return m_ready; }
    // It has listed its tools, or ended, at least once this session.
    bool hasSettled() const { return m_settled; }
    // The server's tools as it listed them (name, description, inputSchema...).
    const QJsonArray &tools() const { return m_tools; }
    bool offers(const QString &tool) const;
    // Forwards tools/call; done runs once, on this object's thread, with the
    // server's result or why there is none. Calls made while the server is
    // starting wait for it (at most kMaxWaiting, and timeoutSeconds).
    void call(const QString &tool, const QJsonObject &arguments, double timeoutSeconds, Done done);

    static constexpr int kMaxWaiting = 64;
    static constexpr qsizetype kMaxMessageBytes = 16 << 20;
    static constexpr int kMaxBackoffSeconds = 30;
    static constexpr const char *kProtocolVersion = "2025-06-18";
    static constexpr int kMaxListPages = 100;
    static constexpr qsizetype kMaxListBytes = 4 << 20; // the tools' JSON, all pages

Q_SIGNALS:
    // The server's tool list was (re)read: at start, after a restart, and
    // after it said notifications/tools/list_changed.
    void toolsChanged();
    // The first time it listed its tools or ended.
    void settled();

private:
    struct Pending
    {
        Done done;
        QTimer *timer = nullptr;
    };
    struct Waiting
    {
        QString tool;
        QJsonObject arguments;
        double timeoutSeconds = 0;
        Done done;
        QElapsedTimer since;
        QTimer *timer = nullptr; // fails it when its time is up
    };

    void launch();
    void onStdout(const QByteArray &data);
    void onMessage(const QJsonObject &message);
    void onFinished(const SandboxExit &exit);
    void send(const QJsonObject &message);
    qint64 request(const QString &method, const QJsonObject &params, Done done, double timeoutSeconds = 30);
    void listTools(const QString &cursor, QJsonArray collected, int page = 1, qsizetype bytes = 0);
    void failAll(const QString &why);
    void fail(const QString &why); // the server misbehaved: stop it (and restart)

    ToolSpec m_entry;
    Options m_options;
    Sandbox *m_sandbox = nullptr;
    QByteArray m_buffer;
    QJsonArray m_tools;
    std::map<qint64, Pending> m_pending;
    std::map<qint64, Waiting> m_waiting;
    qint64 m_nextWaiting = 1;
    bool m_listing = false;   // a tools/list is in flight
    bool m_relist = false;    // the list changed meanwhile: read it again after
    qint64 m_nextId = 1;
    int m_starts = 0;
    int m_backoff = 1;
    bool m_ready = false;
    bool m_stopped = false;
    bool m_settled = false;
    QString m_failure; // why the server is being stopped, when this side decided it
    QElapsedTimer m_up;
};

} // namespace osh::runtime

#include "gateway/mcpservers.h"

namespace osh::runtime {

// The session's MCP servers, as the gateway sees them.
class McpServerSet final : public QObject, public McpServers
{
    Q_OBJECT

public:
    using QObject::QObject;
    void add(McpServerHost *host); // becomes its child
    bool isEmpty() const { return m_hosts.empty(); }
    void startAll();
    void stopAll();
    QJsonArray tools(const std::string &entry) const override;
    bool starting() const override;
    void call(const std::string &entry, const QString &tool, const QJsonObject &arguments, double timeoutSeconds,
              std::function<void(QJsonObject result, QString error)> done) override;
    // Policies whose conditions name "<entry>.<tool>" literals for a tool
    // the server does not offer: one warning each.
    static QStringList unknownToolsNamed(const PolicyDocument &doc, const std::string &entry, const QJsonArray &tools);

Q_SIGNALS:
    // first: the server's first list of this session.
    void toolsChanged(const QString &entry, bool first);
    // A server listed its tools or ended for the first time.
    void settled();

private:
    std::map<std::string, McpServerHost *> m_hosts;
};

} // namespace osh::runtime
