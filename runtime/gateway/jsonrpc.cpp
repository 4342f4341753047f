#include "jsonrpc.h"

#include "engine/filesystemlayer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QStringList>

namespace osh::runtime::jsonrpc {

namespace {

void parseMessage(const QJsonObject &msg, std::vector<Item> &out)
{
    const QJsonValue id = msg.value(QStringLiteral("id"));
    const bool notification = !msg.contains(QStringLiteral("id"));
    const QJsonValue method = msg.value(QStringLiteral("method"));
    const QJsonValue params = msg.value(QStringLiteral("params"));
    auto problem = [&](int code, const QString &why) {
        if (!notification)
            out.emplace_back(Problem{id.isString() || id.isDouble() ? id : QJsonValue(), code, why});
    };
    if (msg.value(QStringLiteral("jsonrpc")).toString() != QLatin1StringView("2.0") || !method.isString()
        || method.toString().isEmpty()) {
        problem(kInvalidRequest, QStringLiteral("not a JSON-RPC 2.0 request"));
        return;
    }
    if (!notification && !id.isString() && !id.isDouble() && !id.isNull()) {
        out.emplace_back(Problem{QJsonValue(), kInvalidRequest, QStringLiteral("id must be a string or a number")});
        return;
    }
    if (!params.isUndefined() && !params.isNull() && !params.isObject()) {
        problem(kInvalidParams, QStringLiteral("params must be an object"));
        return;
    }
    out.emplace_back(Call{id, notification, method.toString(), params.toObject()});
}

} // namespace

std::vector<Item> parseLine(const QByteArray &line, bool allowBatch)
{
    std::vector<Item> out;
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(line, &err);
    if (err.error != QJsonParseError::NoError) {
        out.emplace_back(Problem{QJsonValue(), kParseError, QStringLiteral("parse error: %1").arg(err.errorString())});
        return out;
    }
    if (doc.isArray() && !allowBatch) {
        out.emplace_back(Problem{QJsonValue(), kInvalidRequest,
                                 QStringLiteral("batches are not part of the negotiated MCP version; send one message per line")});
        return out;
    }
    if (doc.isArray()) {
        const QJsonArray batch = doc.array();
        if (batch.isEmpty() || batch.size() > kMaxBatch) {
            out.emplace_back(Problem{QJsonValue(), kInvalidRequest,
                                     batch.isEmpty() ? QStringLiteral("empty batch")
                                                     : QStringLiteral("batch of %1 messages; at most %2").arg(batch.size()).arg(kMaxBatch)});
            return out;
        }
        // Batches are valid JSON-RPC; answer each member.
        for (const auto &m : batch)
            if (m.isObject())
                parseMessage(m.toObject(), out);
            else
                out.emplace_back(Problem{QJsonValue(), kInvalidRequest, QStringLiteral("batch member is not an object")});
        return out;
    }
    if (!doc.isObject()) {
        out.emplace_back(Problem{QJsonValue(), kInvalidRequest, QStringLiteral("a request must be a JSON object")});
        return out;
    }
    parseMessage(doc.object(), out);
    return out;
}

bool FileRequest::writes() const
{
    return operation == QLatin1StringView("write") || operation == QLatin1StringView("create");
}

std::optional<FileRequest> parseFileRequest(const QJsonObject &params, const std::string &workspace, QString *error)
{
    static const QStringList ops{QStringLiteral("read"), QStringLiteral("write"), QStringLiteral("create"),
                                 QStringLiteral("delete"), QStringLiteral("list"), QStringLiteral("symlink")};
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    FileRequest r;
    const QJsonValue op = params.value(QStringLiteral("operation"));
    if (!op.isString() || !ops.contains(op.toString()))
        return fail(QStringLiteral("operation must be one of read, write, create, delete, list, symlink"));
    r.operation = op.toString();
    const QJsonValue path = params.value(QStringLiteral("path"));
    if (!path.isString())
        return fail(QStringLiteral("path must be a string"));
    r.path = path.toString();
    const auto normalized = FilesystemLayer::normalize(r.path.toStdString(), workspace);
    if (!normalized)
        return fail(QStringLiteral("path is empty, or contains a NUL character"));
    r.normalized = *normalized;

    const QJsonValue content = params.value(QStringLiteral("content"));
    if (!content.isUndefined() && !content.isNull() && !content.isString())
        return fail(QStringLiteral("content must be a string"));
    const QJsonValue encoding = params.value(QStringLiteral("encoding"));
    if (encoding.isString() && encoding.toString() == QLatin1StringView("base64")) {
        auto decoded = QByteArray::fromBase64Encoding(content.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return fail(QStringLiteral("content is not valid base64"));
        r.content = *decoded;
    } else if (!encoding.isUndefined() && !encoding.isNull()
               && !(encoding.isString() && encoding.toString() == QLatin1StringView("utf-8"))) {
        return fail(QStringLiteral("encoding must be \"utf-8\" or \"base64\""));
    } else {
        r.content = content.toString().toUtf8();
    }

    const QJsonValue target = params.value(QStringLiteral("target"));
    if (!target.isUndefined() && !target.isNull()) {
        if (!target.isString())
            return fail(QStringLiteral("target must be a string"));
        r.linkTarget = target.toString().toStdString();
    }
    if (r.operation == QLatin1StringView("symlink") && !r.linkTarget)
        return fail(QStringLiteral("target is needed to create a link"));
    return r;
}

} // namespace osh::runtime::jsonrpc
