#pragma once
// The gateway's wire format, apart from the gateway so it can be tested and
// fuzzed alone: one JSON-RPC 2.0 message (or batch) per line in, the calls
// to make and the errors to answer out; and the parameters of openshell/file
// checked field by field. Qt Core only.

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace osh::runtime::jsonrpc {

// JSON-RPC 2.0 error codes.
constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;

// Larger batches are refused whole: each member may cost a decision.
constexpr qsizetype kMaxBatch = 64;

struct Call
{
    QJsonValue id;
    bool notification = false;
    QString method;
    QJsonObject params;
};

struct Problem
{
    QJsonValue id; // null when the request's id is unknown
    int code = kInvalidRequest;
    QString message;
};

using Item = std::variant<Call, Problem>;

// One line (without its newline) as the gateway answers it, in order.
// Notifications that are not valid produce nothing (there is no id to
// answer), as JSON-RPC requires.
// allowBatch false: a batch is refused whole (MCP 2025-06-18 and later
// removed JSON-RPC batching).
std::vector<Item> parseLine(const QByteArray &line, bool allowBatch = true);

// openshell/file's parameters, checked.
struct FileRequest
{
    QString operation; // read, write, create, delete, list, symlink
    QString path;      // as the agent gave it
    std::string normalized;
    QByteArray content;
    std::optional<std::string> linkTarget;
    bool writes() const;
};

// nullopt with *error naming the field when the parameters are unusable.
std::optional<FileRequest> parseFileRequest(const QJsonObject &params, const std::string &workspace, QString *error);

} // namespace osh::runtime::jsonrpc
