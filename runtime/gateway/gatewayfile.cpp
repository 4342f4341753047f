// Gateway::fileOperation and its steps: an openshell/file request is
// inspected (reads, archives), decided as file_access (and data_output for
// a write-only path), then carried out by the file controller and recorded
// with what was actually opened.

#include "gateway.h"
#include "gatewayresults.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalSocket>

#include <algorithm>

#include <sys/stat.h>

namespace osh::runtime {

namespace {

using jsonrpc::kInvalidParams;
using jsonrpc::kInvalidRequest;

QJsonObject openedJson(const beneath::Opened &o)
{
    return QJsonObject{{QStringLiteral("type"), QString::fromLatin1(o.typeName())},
                       {QStringLiteral("device"), static_cast<qint64>(o.dev)},
                       {QStringLiteral("inode"), static_cast<qint64>(o.ino)},
                       {QStringLiteral("size"), static_cast<qint64>(o.size)},
                       {QStringLiteral("owner"), static_cast<qint64>(o.uid)}};
}

} // namespace

// One openshell/file request on its way: inspected (reads), decided, then
// carried out by the controller's worker; answered exactly once.
struct Gateway::FileCall
{
    QPointer<QLocalSocket> socket;
    QJsonValue id;
    jsonrpc::FileRequest request;
    std::optional<FileController::Target> target;
    std::string paramsJson;
    std::optional<std::int64_t> expandedSize; // archives, measured before the decision
};

void Gateway::fileOperation(QPointer<QLocalSocket> socket, const QJsonValue &id, const QJsonObject &params)
{
    if (m_fileOps >= kMaxFileOperations) {
        respondError(socket, id, kInvalidRequest,
                     QStringLiteral("too many file operations in progress (%1); wait for their answers").arg(kMaxFileOperations));
        return;
    }
    QString why;
    auto parsed = jsonrpc::parseFileRequest(params, m_engine->document().filesystem.workspace, &why);
    if (!parsed) {
        respondError(socket, id, kInvalidParams, QStringLiteral("openshell/file: %1").arg(why));
        return;
    }
    ++m_fileOps;
    // Counted until the last reference to the call goes, however it ends.
    auto call = std::shared_ptr<FileCall>(new FileCall, [gateway = QPointer<Gateway>(this)](FileCall *c) {
        delete c;
        if (gateway)
            --gateway->m_fileOps;
    });
    call->socket = socket;
    call->id = id;
    call->request = std::move(*parsed);
    call->paramsJson = QJsonDocument(QJsonObject{{QStringLiteral("operation"), call->request.operation},
                                                 {QStringLiteral("path"), call->request.path},
                                                 {QStringLiteral("bytes"), call->request.content.size()}})
                           .toJson(QJsonDocument::Compact)
                           .toStdString();
    call->target = m_files->target(call->request.normalized);
    // A read is decided on the size of what is there: look first (without
    // opening anything but an O_PATH handle), then decide, then read at
    // most the size that was decided.
    if (call->request.operation == QLatin1StringView("read") && call->target) {
        m_files->inspect(*call->target, [this, call](FileOutcome o) {
            if (o.ok && S_ISLNK(o.opened.mode)) {
                o.ok = false;
                o.error = {beneath::Failure::Escapes, "is a symbolic link; the controller does not follow links"};
            }
            if (!o.ok && o.error.failure == beneath::Failure::Escapes) {
                refuseEscape(*call, o);
                return;
            }
            decideFile(call, o.ok ? o.opened.size : 0);
        });
        return;
    }
    if (call->request.writes() && FilesystemLayer::isArchive(call->request.normalized)) {
        // Measure at most 100x the archive or 1 GiB: enough to refuse any
        // bomb. What cannot be measured is not written: an archive that
        // cannot be read, that nests too deep, or whose measurement hit the
        // cap (or the controller's time limit).
        const auto limit = std::min<std::int64_t>(std::int64_t(call->request.content.size()) * 100 + 1, std::int64_t(1) << 30);
        m_files->measure(call->request.content, limit, [this, call, limit](FileOutcome o) {
            const auto &m = o.archive;
            if (!o.ok || !m || (m->exceeded && (!m->refused.isEmpty() || limit >= (std::int64_t(1) << 30)))) {
                const std::string reason = !o.ok || !m ? "cannot be measured as an archive: " + o.error.message
                    : !m->refused.isEmpty()         ? m->refused.toStdString()
                                                    : "expands past " + std::to_string(limit - 1) + " bytes, more than the controller measures";
                refuseFile(*call, call->request.path.toStdString() + " " + reason);
                return;
            }
            call->expandedSize = m->expandedBytes;
            decideFile(call, call->request.content.size());
        });
        return;
    }
    decideFile(call, call->request.content.size());
}

void Gateway::refuseEscape(const FileCall &call, const FileOutcome &o)
{
    refuseFile(call, call.request.path.toStdString() + " leaves its folder: " + o.error.message);
}

void Gateway::refuseFile(const FileCall &call, const std::string &message)
{
    Decision refused;
    refused.outcome = Action::Block;
    refused.layer = Layer::Filesystem;
    refused.logLevel = LogLevel::Warning;
    refused.message = message;
    audit(&refused, "file_access", {}, call.paramsJson);
    QJsonObject r = decisionSummary(refused);
    r.insert(QStringLiteral("ok"), false);
    respond(call.socket, call.id, r);
}

void Gateway::decideFile(const std::shared_ptr<FileCall> &call, std::int64_t size)
{
    const auto &fs = m_engine->document().filesystem;
    const bool writing = call->request.writes();
    Request req;
    req.trigger = Trigger::FileAccess;
    req.set(Var::FilePath, Value(call->request.normalized));
    req.set(Var::FileOperation, Value(call->request.operation.toStdString()));
    req.set(Var::FileSize, Value(size));
    if (call->request.linkTarget)
        req.linkTarget = *call->request.linkTarget;
    if (call->expandedSize)
        req.expandedSize = *call->expandedSize;
    const Decision d = decide(req, {}, call->paramsJson);
    auto refuse = [this, call](const Decision &by, const QString &why) {
        QJsonObject r = decisionSummary(by);
        r.insert(QStringLiteral("ok"), false);
        r.insert(QStringLiteral("message"), why);
        respond(call->socket, call->id, r);
    };
    if (!d.proceeds()) {
        refuse(d, QString::fromStdString(d.message));
        return;
    }
    // Deleting a folder removes what is below it: never a folder that a
    // rule keeps from being changed (read-only) or read back (write-only).
    if (call->request.operation == QLatin1StringView("delete")) {
        for (const auto &r : fs.rules) {
            if (r.permissions != Permission::ReadWrite && r.path != call->request.normalized
                && FilesystemLayer::isUnder(r.path, call->request.normalized)) {
                refuseFile(*call, call->request.path.toStdString() + " holds " + r.path + ", which the policy does not let the agent "
                               + (r.permissions == Permission::Read ? "change" : "read back or remove"));
                return;
            }
        }
    }
    // A file leaving through a write-only path passes data_output policies.
    const int rule = m_engine->filesystem().ruleFor(call->request.normalized);
    if (writing && rule >= 0 && fs.rules[static_cast<size_t>(rule)].permissions == Permission::Write) {
        Request out;
        out.trigger = Trigger::DataOutput;
        out.set(Var::Output, Value(call->request.content.toStdString()));
        const Decision od = decide(out, {}, call->paramsJson);
        if (!od.proceeds()) {
            refuse(od, QString::fromStdString(od.message));
            return;
        }
        if (od.outcome == Action::Redact && od.output)
            call->request.content = QByteArray::fromStdString(*od.output);
    }
    if (!call->target) {
        refuse(d, QStringLiteral("%1 is not backed by any folder of this session").arg(QString::fromStdString(call->request.normalized)));
        return;
    }
    auto finish = [this, call, d](FileOutcome o) { finishFile(*call, d, o); };
    const QString &op = call->request.operation;
    if (op == QLatin1StringView("read"))
        m_files->read(*call->target, size, finish);
    else if (op == QLatin1StringView("list"))
        m_files->list(*call->target, finish);
    else if (writing)
        m_files->write(*call->target, call->request.content.toStdString(), op == QLatin1StringView("create"), finish);
    else if (op == QLatin1StringView("delete"))
        m_files->remove(*call->target, finish);
    else
        m_files->symlink(*call->target, call->request.linkTarget.value_or(std::string()), finish);
}

void Gateway::finishFile(const FileCall &call, const Decision &d, const FileOutcome &o)
{
    if (!o.ok && o.error.failure == beneath::Failure::Escapes) {
        refuseEscape(call, o);
        return;
    }
    // What was actually opened, for the record.
    QJsonObject record{{QStringLiteral("operation"), call.request.operation}, {QStringLiteral("path"), call.request.path}, {QStringLiteral("ok"), o.ok}};
    if (o.hasOpened)
        record.insert(QStringLiteral("opened"), openedJson(o.opened));
    if (!o.ok)
        record.insert(QStringLiteral("error"), QString::fromStdString(o.error.message));
    audit(nullptr, "file_result", {}, QJsonDocument(record).toJson(QJsonDocument::Compact).toStdString(),
          o.ok ? std::string("done") : o.error.message);

    QJsonObject result = decisionSummary(d);
    result.insert(QStringLiteral("ok"), o.ok);
    if (!o.ok) {
        result.insert(QStringLiteral("message"), QStringLiteral("%1: %2").arg(call.request.path, QString::fromStdString(o.error.message)));
        respond(call.socket, call.id, result);
        return;
    }
    if (call.request.operation == QLatin1StringView("read")) {
        const QByteArray data = QByteArray::fromStdString(o.content);
        const QString text = QString::fromUtf8(data);
        // Control characters cost six bytes each in JSON: such content goes
        // as base64, so an answer is never much larger than the file.
        const bool control = std::any_of(data.begin(), data.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return (u < 0x20 && u != '\n' && u != '\r' && u != '\t') || u == 0x7f;
        });
        if (!control && text.toUtf8() == data) {
            result.insert(QStringLiteral("content"), text);
        } else {
            result.insert(QStringLiteral("content"), QString::fromLatin1(data.toBase64()));
            result.insert(QStringLiteral("encoding"), QStringLiteral("base64"));
        }
    } else if (call.request.operation == QLatin1StringView("list")) {
        QJsonArray entries;
        for (const auto &e : o.entries)
            entries.append(QJsonObject{{QStringLiteral("name"), QString::fromStdString(e.name)},
                                       {QStringLiteral("type"), S_ISLNK(e.what.mode) ? QStringLiteral("symlink")
                                                                : S_ISDIR(e.what.mode) ? QStringLiteral("dir")
                                                                : S_ISREG(e.what.mode) ? QStringLiteral("file")
                                                                                       : QStringLiteral("special")},
                                       {QStringLiteral("size"), static_cast<qint64>(e.what.size)}});
        result.insert(QStringLiteral("entries"), entries);
        if (o.truncated)
            result.insert(QStringLiteral("truncated"), true);
    }
    respond(call.socket, call.id, result);
}

} // namespace osh::runtime
