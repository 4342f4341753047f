#pragma once
// What the gateway needs of the session's MCP servers (tool entries with
// `mcp:`): the tools each offers, and a way to forward a decided call. The
// session implements it with McpServerHost; tests with a fake.

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <string>

namespace osh::runtime {

class McpServers
{
public:
    virtual ~McpServers() = default;
    // The entry's tools as its server listed them; empty while not known.
    virtual QJsonArray tools(const std::string &entry) const = 0;
    // Some server has neither listed its tools nor failed yet since the
    // session started: a tools/list waits for it (Gateway::answerToolLists).
    virtual bool starting() const = 0;
    // done runs once, on the gateway's thread: the server's CallToolResult,
    // or why there is none.
    virtual void call(const std::string &entry, const QString &tool, const QJsonObject &arguments, double timeoutSeconds,
                      std::function<void(QJsonObject result, QString error)> done) = 0;
};

} // namespace osh::runtime
