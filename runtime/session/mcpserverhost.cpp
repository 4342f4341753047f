#include "mcpserverhost.h"

#include "sandbox/sandbox.h"
#include "session/sandboxtoolrunner.h"

#include <QDir>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <memory>

namespace osh::runtime {

namespace {
constexpr qsizetype kStderrTail = 2000;
} // namespace

McpServerHost::McpServerHost(ToolSpec entry, Options options, QObject *parent)
    : QObject(parent), m_entry(std::move(entry)), m_options(std::move(options))
{
}

McpServerHost::~McpServerHost() { stop(); }

bool McpServerHost::offers(const QString &tool) const
{
    return std::any_of(m_tools.begin(), m_tools.end(),
                       [&](const QJsonValue &t) { return t[QStringLiteral("name")].toString() == tool; });
}

void McpServerHost::start()
{
    m_stopped = false;
    launch();
}

void McpServerHost::stop()
{
    if (m_stopped)
        return;
    m_stopped = true;
    m_ready = false;
    failAll(QStringLiteral("the session ended"));
    // Its destructor kills the sandbox and cleans up after the runtime.
    delete m_sandbox;
    m_sandbox = nullptr;
}

void McpServerHost::launch()
{
    if (m_stopped)
        return;
    ++m_starts;
    m_buffer.clear();
    m_failure.clear();
    m_listing = m_relist = false;
    SandboxSpec spec = m_options.base;
    // Session id, entry number, start: unique whatever the entry's name.
    spec.id = QStringLiteral("%1-m%2-%3").arg(m_options.sessionId).arg(m_options.ordinal).arg(m_starts).right(64);
    spec.argv = SandboxToolRunner::sandboxArgv(m_entry.mcp, m_options.policyDir, m_options.policyMount);
    spec.interactive = true;
    m_sandbox = new Sandbox(spec, this);
    auto stderrTail = std::make_shared<QByteArray>();
    connect(m_sandbox, &Sandbox::output, this, [this, stderrTail](Sandbox::Channel c, const QByteArray &data) {
        if (c == Sandbox::Channel::Stdout) {
            onStdout(data);
            return;
        }
        stderrTail->append(data);
        if (stderrTail->size() > kStderrTail)
            stderrTail->remove(0, stderrTail->size() - kStderrTail);
    });
    connect(m_sandbox, &Sandbox::finished, this, [this, stderrTail](const SandboxExit &exit) {
        if (m_failure.isEmpty() && !stderrTail->trimmed().isEmpty())
            m_failure = QStringLiteral("%1; it said: %2")
                            .arg(exit.message.isEmpty() ? QStringLiteral("exit status %1").arg(exit.exitCode) : exit.message,
                                 QString::fromUtf8(stderrTail->trimmed().right(400)));
        onFinished(exit);
    });
    if (!m_sandbox->start())
        return; // finished (reason Error) follows, queued
    const QJsonObject params{{QStringLiteral("protocolVersion"), QLatin1StringView(kProtocolVersion)},
                             {QStringLiteral("capabilities"), QJsonObject()},
                             {QStringLiteral("clientInfo"), QJsonObject{{QStringLiteral("name"), QStringLiteral("openshell-gateway")},
                                                                        {QStringLiteral("version"), QStringLiteral("0.1.0")}}}};
    request(QStringLiteral("initialize"), params, [this](QJsonObject result, QString error) {
        if (!error.isEmpty() || !result.value(QStringLiteral("protocolVersion")).isString()) {
            fail(QStringLiteral("it did not initialize: %1").arg(error.isEmpty() ? QStringLiteral("no protocolVersion in its answer") : error));
            return;
        }
        send(QJsonObject{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("method"), QStringLiteral("notifications/initialized")}});
        listTools(QString(), QJsonArray());
    }, 60);
}

void McpServerHost::listTools(const QString &cursor, QJsonArray collected, int page, qsizetype bytes)
{
    // One list at a time: a change announced meanwhile reads it once more
    // after, however many announcements came.
    if (page == 1 && m_listing) {
        m_relist = true;
        return;
    }
    m_listing = true;
    QJsonObject params;
    if (!cursor.isEmpty())
        params.insert(QStringLiteral("cursor"), cursor);
    request(QStringLiteral("tools/list"), params, [this, collected, page, bytes](QJsonObject result, QString error) mutable {
        if (!error.isEmpty()) {
            m_listing = false;
            fail(QStringLiteral("it did not list its tools: %1").arg(error));
            return;
        }
        for (const QJsonValue &t : result.value(QStringLiteral("tools")).toArray()) {
            if (!t.isObject() || !t[QStringLiteral("name")].isString() || t[QStringLiteral("name")].toString().isEmpty())
                continue;
            bytes += QJsonDocument(t.toObject()).toJson(QJsonDocument::Compact).size();
            collected.append(t);
        }
        if (bytes > kMaxListBytes) {
            m_listing = false;
            fail(QStringLiteral("its tool list is larger than %1 MiB").arg(kMaxListBytes >> 20));
            return;
        }
        const QString next = result.value(QStringLiteral("nextCursor")).toString();
        if (!next.isEmpty()) {
            if (page >= kMaxListPages) {
                m_listing = false;
                fail(QStringLiteral("its tool list has more than %1 pages").arg(kMaxListPages));
                return;
            }
            listTools(next, collected, page + 1, bytes);
            return;
        }
        m_listing = false;
        m_tools = collected;
        const bool first = !m_ready;
        m_ready = true;
        if (first) {
            m_up.start();
            QStringList names;
            for (const QJsonValue &t : m_tools)
                names << t[QStringLiteral("name")].toString();
            if (m_options.event)
                m_options.event(QStringLiteral("MCP server '%1' ready (start %2): %3 tool(s): %4")
                                    .arg(QString::fromStdString(m_entry.name))
                                    .arg(m_starts)
                                    .arg(names.size())
                                    .arg(names.join(QStringLiteral(", "))),
                                false);
            // Calls that waited for the server go now, each with what is
            // left of its time (one whose time ran out has been failed).
            auto waiting = std::exchange(m_waiting, {});
            for (auto &[id, w] : waiting) {
                delete w.timer;
                const double left = w.timeoutSeconds - static_cast<double>(w.since.elapsed()) / 1000.0;
                if (left <= 0) {
                    w.done({}, QStringLiteral("MCP server '%1' was not ready within the call's %2 s")
                                   .arg(QString::fromStdString(m_entry.name))
                                   .arg(w.timeoutSeconds));
                    continue;
                }
                call(w.tool, w.arguments, left, std::move(w.done));
            }
        }
        Q_EMIT toolsChanged();
        if (!m_settled) {
            m_settled = true;
            Q_EMIT settled();
        }
        if (std::exchange(m_relist, false))
            listTools(QString(), QJsonArray());
    });
}

void McpServerHost::call(const QString &tool, const QJsonObject &arguments, double timeoutSeconds, Done done)
{
    if (m_stopped) {
        done({}, QStringLiteral("the session ended"));
        return;
    }
    if (!m_ready) {
        if (static_cast<int>(m_waiting.size()) >= kMaxWaiting) {
            done({}, QStringLiteral("%1 calls already wait for MCP server '%2' to start").arg(kMaxWaiting).arg(QString::fromStdString(m_entry.name)));
            return;
        }
        const qint64 key = m_nextWaiting++;
        Waiting w{tool, arguments, timeoutSeconds, std::move(done), {}, new QTimer(this)};
        w.since.start();
        w.timer->setSingleShot(true);
        connect(w.timer, &QTimer::timeout, this, [this, key] {
            const auto it = m_waiting.find(key);
            if (it == m_waiting.end())
                return;
            Waiting expired = std::move(it->second);
            m_waiting.erase(it);
            expired.timer->deleteLater();
            expired.done({}, QStringLiteral("MCP server '%1' was not ready within the call's %2 s")
                                 .arg(QString::fromStdString(m_entry.name))
                                 .arg(expired.timeoutSeconds));
        });
        w.timer->start(std::chrono::milliseconds(static_cast<qint64>(timeoutSeconds * 1000)));
        m_waiting.emplace(key, std::move(w));
        return;
    }
    if (!offers(tool)) {
        QStringList names;
        for (const QJsonValue &t : m_tools)
            names << t[QStringLiteral("name")].toString();
        done({}, QStringLiteral("MCP server '%1' offers no tool '%2' (it offers: %3)")
                     .arg(QString::fromStdString(m_entry.name), tool, names.join(QStringLiteral(", "))));
        return;
    }
    request(QStringLiteral("tools/call"), QJsonObject{{QStringLiteral("name"), tool}, {QStringLiteral("arguments"), arguments}},
            std::move(done), timeoutSeconds);
}

qint64 McpServerHost::request(const QString &method, const QJsonObject &params, Done done, double timeoutSeconds)
{
    const qint64 id = m_nextId++;
    Pending p;
    p.done = std::move(done);
    p.timer = new QTimer(this);
    p.timer->setSingleShot(true);
    connect(p.timer, &QTimer::timeout, this, [this, id, method, timeoutSeconds] {
        const auto it = m_pending.find(id);
        if (it == m_pending.end())
            return;
        Done cb = std::move(it->second.done);
        it->second.timer->deleteLater();
        m_pending.erase(it);
        cb({}, QStringLiteral("MCP server '%1' did not answer %2 within %3 s")
                   .arg(QString::fromStdString(m_entry.name), method)
                   .arg(timeoutSeconds));
    });
    p.timer->start(std::chrono::milliseconds(static_cast<qint64>(timeoutSeconds * 1000)));
    m_pending.emplace(id, std::move(p));
    send(QJsonObject{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id},
                     {QStringLiteral("method"), method}, {QStringLiteral("params"), params}});
    return id;
}

void McpServerHost::send(const QJsonObject &message)
{
    if (!m_sandbox || !m_sandbox->writeStdin(QJsonDocument(message).toJson(QJsonDocument::Compact) + '\n', false))
        fail(QStringLiteral("its standard input is not open (or it stopped reading it)"));
}

void McpServerHost::onStdout(const QByteArray &data)
{
    m_buffer += data;
    qsizetype start = 0;
    for (qsizetype nl; (nl = m_buffer.indexOf('\n', start)) >= 0; start = nl + 1) {
        const QByteArray line = m_buffer.mid(start, nl - start).trimmed();
        if (line.isEmpty())
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            onMessage(doc.object());
        // Anything else on its standard output is not MCP: ignored.
        if (!m_sandbox)
            return; // stopped while handling
    }
    m_buffer.remove(0, start);
    if (m_buffer.size() > kMaxMessageBytes)
        fail(QStringLiteral("it sent a message of more than %1 MiB").arg(kMaxMessageBytes >> 20));
}

void McpServerHost::onMessage(const QJsonObject &message)
{
    const QJsonValue id = message.value(QStringLiteral("id"));
    const QString method = message.value(QStringLiteral("method")).toString();
    if (method.isEmpty()) {
        const auto it = m_pending.find(id.toInteger(-1));
        if (!id.isDouble() || it == m_pending.end())
            return; // an answer to nothing this side asked
        Done cb = std::move(it->second.done);
        it->second.timer->deleteLater();
        m_pending.erase(it);
        const QJsonValue error = message.value(QStringLiteral("error"));
        if (error.isObject())
            cb({}, QStringLiteral("MCP error %1: %2").arg(error[QStringLiteral("code")].toInt()).arg(error[QStringLiteral("message")].toString()));
        else
            cb(message.value(QStringLiteral("result")).toObject(), QString());
        return;
    }
    if (!id.isUndefined() && !id.isNull()) {
        // A request of the server's own: only ping is answered.
        if (method == QLatin1StringView("ping"))
            send(QJsonObject{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id}, {QStringLiteral("result"), QJsonObject()}});
        else
            send(QJsonObject{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id},
                             {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), -32601},
                                                                   {QStringLiteral("message"), QStringLiteral("OpenShell offers MCP servers no '%1'").arg(method)}}}});
        return;
    }
    if (method == QLatin1StringView("notifications/tools/list_changed") && m_ready)
        listTools(QString(), QJsonArray()); // coalesced while one is in flight
}

void McpServerHost::failAll(const QString &why)
{
    auto pending = std::exchange(m_pending, {});
    for (auto &[id, p] : pending) {
        p.timer->deleteLater();
        p.done({}, why);
    }
    auto waiting = std::exchange(m_waiting, {});
    for (auto &[id, w] : waiting) {
        w.timer->deleteLater();
        w.done({}, why);
    }
}

void McpServerHost::fail(const QString &why)
{
    if (m_failure.isEmpty())
        m_failure = why;
    if (m_sandbox && m_sandbox->isRunning())
        m_sandbox->stop();
}

void McpServerHost::onFinished(const SandboxExit &exit)
{
    const QString name = QString::fromStdString(m_entry.name);
    const QString why = !m_failure.isEmpty() ? m_failure
        : exit.message.isEmpty()             ? QStringLiteral("exit status %1").arg(exit.exitCode)
                                             : exit.message;
    m_ready = false;
    if (m_sandbox)
        m_sandbox->deleteLater();
    m_sandbox = nullptr;
    failAll(QStringLiteral("MCP server '%1' ended: %2").arg(name, why));
    if (!m_settled) {
        m_settled = true;
        Q_EMIT settled();
    }
    if (m_stopped)
        return;
    if (m_up.isValid() && m_up.elapsed() > 60000)
        m_backoff = 1; // it had been up a while: not a crash loop
    m_up.invalidate();
    if (m_options.event)
        m_options.event(QStringLiteral("MCP server '%1' ended (%2); restarting in %3 s").arg(name, why).arg(m_backoff), true);
    QTimer::singleShot(std::chrono::seconds(m_backoff), this, &McpServerHost::launch);
    m_backoff = std::min(m_backoff * 2, kMaxBackoffSeconds);
}

} // namespace osh::runtime

namespace osh::runtime {

void McpServerSet::add(McpServerHost *host)
{
    host->setParent(this);
    m_hosts[host->entry().name] = host;
    auto listed = std::make_shared<bool>(false);
    connect(host, &McpServerHost::toolsChanged, this, [this, host, listed] {
        const bool first = !*listed;
        *listed = true;
        Q_EMIT toolsChanged(QString::fromStdString(host->entry().name), first);
    });
    connect(host, &McpServerHost::settled, this, &McpServerSet::settled);
}

bool McpServerSet::starting() const
{
    return std::any_of(m_hosts.begin(), m_hosts.end(), [](const auto &h) { return !h.second->hasSettled(); });
}

void McpServerSet::startAll()
{
    for (auto &[name, host] : m_hosts)
        host->start();
}

void McpServerSet::stopAll()
{
    for (auto &[name, host] : m_hosts)
        host->stop();
}

QJsonArray McpServerSet::tools(const std::string &entry) const
{
    const auto it = m_hosts.find(entry);
    return it == m_hosts.end() ? QJsonArray() : it->second->tools();
}

void McpServerSet::call(const std::string &entry, const QString &tool, const QJsonObject &arguments, double timeoutSeconds,
                        std::function<void(QJsonObject, QString)> done)
{
    const auto it = m_hosts.find(entry);
    if (it == m_hosts.end()) {
        done({}, QStringLiteral("no MCP server '%1' runs in this session").arg(QString::fromStdString(entry)));
        return;
    }
    it->second->call(tool, arguments, timeoutSeconds, std::move(done));
}

QStringList McpServerSet::unknownToolsNamed(const PolicyDocument &doc, const std::string &entry, const QJsonArray &tools)
{
    QSet<QString> offered;
    for (const QJsonValue &t : tools)
        offered.insert(t[QStringLiteral("name")].toString());
    QStringList names;
    for (const QJsonValue &t : tools)
        names << t[QStringLiteral("name")].toString();
    QStringList out;
    const QRegularExpression literal(QStringLiteral("['\"]%1\\.([^'\"]+)['\"]").arg(QRegularExpression::escape(QString::fromStdString(entry))));
    for (const Policy &p : doc.policies) {
        auto it = literal.globalMatch(QString::fromStdString(p.condition));
        while (it.hasNext()) {
            const QString tool = it.next().captured(1);
            if (!offered.contains(tool))
                out << QStringLiteral("policy '%1' names tool '%2.%3', which MCP server '%2' does not offer (it offers: %4)")
                           .arg(QString::fromStdString(p.name), QString::fromStdString(entry), tool,
                                names.isEmpty() ? QStringLiteral("nothing") : names.join(QStringLiteral(", ")));
        }
    }
    return out;
}

} // namespace osh::runtime
