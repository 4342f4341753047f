// Importing a session from JSON lines (see sessionimporter.h).

#include "sessionimporter.h"

#include "audit/auditstore.h"
#include "engine/decisionengine.h"
#include "pii/piidetector.h"
#include "replay/piisurrogate.h"

#include <QFile>
#include <QUuid>

#include <algorithm>
#include <cmath>

namespace osh::replay {

namespace {

// The 1-based column of a field's key in a line, for an error naming
// 'a.b.c' or 'x': the first occurrence of "c" (or "x") as a key.
int columnOf(std::string_view line, const std::string &message)
{
    const auto q1 = message.find('\'');
    const auto q2 = q1 == std::string::npos ? std::string::npos : message.find('\'', q1 + 1);
    if (q2 == std::string::npos)
        return 1;
    std::string name = message.substr(q1 + 1, q2 - q1 - 1);
    if (const auto dot = name.rfind('.'); dot != std::string::npos)
        name = name.substr(dot + 1);
    const auto at = line.find("\"" + name + "\"");
    return at == std::string_view::npos ? 1 : static_cast<int>(at) + 1;
}

Value redactedValue(const Value &v)
{
    switch (v.type()) {
    case Value::Type::String: return Value(pii::PiiDetector::instance().redact(v.toString()));
    case Value::Type::List: {
        ValueList l;
        for (const auto &x : v.toList())
            l.push_back(redactedValue(x));
        return Value(std::move(l));
    }
    case Value::Type::Map: {
        ValueMap m;
        for (const auto &[k, x] : v.toMap())
            m.emplace(pii::PiiDetector::instance().redact(k), redactedValue(x));
        return Value(std::move(m));
    }
    default: return v;
    }
}

// The request with PII redacted, as the event's parameters.
std::string redactedRequest(const Request &r)
{
    Request copy = r;
    for (std::size_t i = 0; i < copy.vars.size(); ++i)
        if (copy.given.test(i))
            copy.vars[i] = redactedValue(copy.vars[i]);
    if (copy.linkTarget)
        copy.linkTarget = pii::PiiDetector::instance().redact(*copy.linkTarget);
    return copy.toJson();
}

} // namespace

std::string ImportError::format() const
{
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::vector<ImportLine> SessionImporter::parse(std::string_view text, const std::string &fileName,
                                               std::vector<ImportError> &errors)
{
    std::vector<ImportLine> out;
    int lineNo = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto nl = text.find('\n', start);
        if (nl == std::string_view::npos)
            nl = text.size();
        std::string_view line = text.substr(start, nl - start);
        ++lineNo;
        start = nl + 1;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) {
            if (nl == text.size())
                break;
            continue;
        }
        Request::ParseError error;
        auto req = Request::fromJson(line, error);
        if (!req) {
            // A syntax error has its place; a field error is looked up by
            // the field it names. Qt's offset can be one past the line's end
            // (an unexpected closing brace is reported after it): keep it on
            // the line.
            const int column = error.line > 0 ? std::clamp(error.column, 1, std::max(1, static_cast<int>(line.size())))
                                              : columnOf(line, error.message);
            errors.push_back({fileName, lineNo, column,
                              error.line > 0 ? "invalid JSON: " + error.message : std::move(error.message)});
        } else if (req->ts && !std::isfinite(*req->ts)) {
            errors.push_back({fileName, lineNo, columnOf(line, "'ts'"), "'ts' must be a finite number"});
        } else {
            out.push_back({lineNo, std::move(*req)});
        }
        if (nl == text.size())
            break;
    }
    return out;
}

ImportResult SessionImporter::importText(AuditStore &store, std::string_view text, const std::string &fileName,
                                         const ImportOptions &options)
{
    ImportResult res;
    auto lines = parse(text, fileName, res.errors);
    if (!res.errors.empty())
        return res;
    if (lines.empty()) {
        res.error = fileName + ": no requests to import";
        return res;
    }

    // The session's id: given, else the lines' own, else a new one.
    std::string id = options.sessionId;
    if (id.empty()) {
        for (const auto &l : lines) {
            if (!l.request.has(Var::SessionId) || !l.request.get(Var::SessionId).isString())
                continue;
            const auto &sid = l.request.get(Var::SessionId).toString();
            if (id.empty())
                id = sid;
            else if (sid != id) {
                res.errors.push_back({fileName, l.line, 1,
                                      "session.id '" + sid + "' differs from '" + id
                                          + "' of an earlier line (a file is one session; pass --session)"});
                return res;
            }
        }
    }
    if (id.empty())
        id = "import-" + QUuid::createUuid().toString(QUuid::WithoutBraces).left(8).toStdString();
    std::string err;
    for (const auto &s : store.sessions(&err))
        if (s.session.id == id) {
            res.error = "session '" + id + "' already exists in " + store.path() + "; choose another id";
            return res;
        }
    if (!err.empty()) {
        res.error = "reading the sessions: " + err;
        return res;
    }

    std::unique_ptr<DecisionEngine> engine;
    if (options.policy)
        engine = std::make_unique<DecisionEngine>(options.policy);
    SessionState state(id);
    const double importedAt = AuditStore::now();

    std::vector<AuditEvent> events;
    events.reserve(lines.size());
    double first = 0, last = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        Request &req = lines[i].request;
        AuditEvent e;
        e.sessionId = id;
        // Without a time, keep file order a microsecond apart.
        e.ts = req.ts ? *req.ts : importedAt + static_cast<double>(i) * 1e-6;
        e.type = std::string(triggerName(req.trigger));
        if (req.has(Var::ToolName) && req.get(Var::ToolName).isString())
            e.tool = req.get(Var::ToolName).toString();
        e.parameters = redactedRequest(req);
        e.policyHash = options.policyHash;
        // Surrogates, so the store never holds the file's PII.
        e.request = surrogateRequestJson(req).value_or(std::string());
        if (engine) {
            const Decision d = engine->decide(req, state);
            e.decision = std::string(actionName(d.outcome));
            e.layer = d.layer == Layer::None ? std::string() : std::string(layerName(d.layer));
            e.policy = d.policy;
            e.message = d.message;
            e.severity = std::string(logLevelName(d.logLevel));
            e.trace = pii::PiiDetector::instance().redact(d.toJson());
        } else {
            e.message = "imported without a decision";
        }
        first = i == 0 ? e.ts : std::min(first, e.ts);
        last = i == 0 ? e.ts : std::max(last, e.ts);
        events.push_back(std::move(e));
    }

    SessionRecord rec;
    rec.id = id;
    rec.startedAt = first;
    rec.policyFile = options.policyFile;
    rec.policyHash = options.policyHash;
    rec.isolation = "import";
    rec.command = "[]";
    store.beginSession(rec);
    for (auto &e : events)
        store.append(std::move(e));
    store.endSession(id, std::nullopt, "imported", last);
    if (!store.flush()) {
        res.error = "the store did not acknowledge every event of session '" + id
            + "' (some may be stored): " + store.lastError();
        res.sessionId = id;
        return res;
    }
    res.ok = true;
    res.sessionId = id;
    res.events = lines.size();
    return res;
}

ImportResult SessionImporter::importFile(AuditStore &store, const std::string &path, const ImportOptions &options)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) {
        ImportResult res;
        res.error = path + ": " + f.errorString().toStdString();
        return res;
    }
    const QByteArray bytes = f.readAll();
    return importText(store, std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())), path,
                      options);
}

} // namespace osh::replay
