// The store checked against copies of its events (see auditcopy.h).

#include "auditcopy.h"

#include "auditchain.h"
#include "auditreader.h"

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>


#include <algorithm>
#include <map>

namespace osh::audit {

namespace {

struct CopiedEvent
{
    std::string chain;
    std::string where; // file:line, for a contradiction within the copies
};
using Copies = std::map<std::string, std::map<std::int64_t, CopiedEvent>>;

struct Reader
{
    Copies &copies;
    CopySummary &summary;
    const std::string &only;
    std::vector<CopyFinding> contradictions;

    void add(const std::string &session, std::int64_t seq, const std::string &chain, const std::string &where)
    {
        if (session.empty() || seq <= 0 || (!only.empty() && session != only))
            return;
        ++summary.events;
        if (chain.empty()) {
            ++summary.unchained;
            return;
        }
        auto [it, inserted] = copies[session].emplace(seq, CopiedEvent{chain, where});
        if (!inserted && it->second.chain != chain)
            contradictions.push_back({session, seq,
                                      "the copies disagree about seq " + std::to_string(seq) + " (" + it->second.where
                                          + " and " + where + "): a copy was altered"});
    }

    // One JSON object: an event line, or an OCSF object (findings skipped).
    bool object(const QJsonObject &o, const std::string &where)
    {
        if (o.contains(QLatin1String("session_id")) && o.contains(QLatin1String("seq"))) {
            add(o.value(QLatin1String("session_id")).toString().toStdString(),
                o.value(QLatin1String("seq")).toInteger(), o.value(QLatin1String("chain")).toString().toStdString(), where);
            return true;
        }
        const QJsonObject meta = o.value(QLatin1String("metadata")).toObject();
        if (!meta.contains(QLatin1String("correlation_uid")) || !meta.contains(QLatin1String("sequence")))
            return false;
        if (meta.value(QLatin1String("uid")).toString().endsWith(QLatin1String("#finding")))
            return true; // its event is in the copy too
        add(meta.value(QLatin1String("correlation_uid")).toString().toStdString(),
            meta.value(QLatin1String("sequence")).toInteger(),
            o.value(QLatin1String("unmapped")).toObject().value(QLatin1String("chain")).toString().toStdString(), where);
        return true;
    }

    // The forwarder's structured data element in a syslog line.
    bool syslog(const QByteArray &line, const std::string &where)
    {
        const QByteArray open = "[openshell@32473 ";
        qsizetype at = line.indexOf(open);
        // Structured data comes before the message (RFC 5424); one after
        // the payload began (a CEF record, a JSON object) is text an agent
        // wrote, not the forwarder's.
        qsizetype payload = line.size();
        for (const char *mark : {"CEF:", "{"})
            if (const qsizetype p = line.indexOf(mark); p >= 0)
                payload = std::min(payload, p);
        if (at < 0 || at > payload)
            return false;
        at += open.size();
        std::map<std::string, std::string> params;
        while (at < line.size() && line[at] != ']') {
            while (at < line.size() && line[at] == ' ')
                ++at;
            const qsizetype eq = line.indexOf("=\"", at);
            if (eq < 0)
                return false;
            const std::string name = line.mid(at, eq - at).toStdString();
            std::string value;
            qsizetype i = eq + 2;
            for (; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] == '\\' && i + 1 < line.size())
                    ++i;
                value += line[i];
            }
            if (i >= line.size())
                return false;
            params[name] = value;
            at = i + 1;
        }
        bool ok = false;
        const std::int64_t seq = QByteArray::fromStdString(params["seq"]).toLongLong(&ok);
        if (!ok)
            return false;
        if (params["uid"].size() >= 8 && params["uid"].compare(params["uid"].size() - 8, 8, "#finding") == 0)
            return true;
        add(params["session"], seq, params["chain"], where);
        return true;
    }

    bool line(const QByteArray &text, const std::string &where)
    {
        const QByteArray t = text.trimmed();
        if (t.startsWith('{') || t.startsWith('[')) {
            QJsonParseError pe;
            const QJsonDocument doc = QJsonDocument::fromJson(t, &pe);
            if (pe.error == QJsonParseError::NoError) {
                if (doc.isObject())
                    return object(doc.object(), where);
                bool any = false;
                for (const auto &v : doc.array())
                    any = object(v.toObject(), where) || any;
                return any;
            }
        }
        return syslog(t, where);
    }
};

} // namespace

bool compareWithCopies(const std::string &path, const std::vector<std::string> &files, const std::string &sessionId,
                       CopySummary &out, std::string &error)
{
    Copies copies;
    Reader reader{copies, out, sessionId, {}};
    for (const std::string &file : files) {
        QFile f(QString::fromStdString(file));
        if (!f.open(QIODevice::ReadOnly)) {
            error = file + ": " + f.errorString().toStdString();
            return false;
        }
        std::int64_t n = 0;
        while (!f.atEnd()) {
            const QByteArray line = f.readLine();
            ++n;
            if (!line.trimmed().isEmpty() && !reader.line(line, file + ":" + std::to_string(n)))
                ++out.skipped;
        }
    }
    const auto store = openChainReader(path, error);
    if (!store)
        return false;
    std::map<std::string, CopyFinding> first;
    for (const auto &c : reader.contradictions)
        first.emplace(c.sessionId, c);
    for (const auto &[session, events] : copies) {
        std::map<std::int64_t, std::string> stored;
        if (!store->chainEvents(session, [&](const AuditEvent &e) {
                stored.emplace(e.seq, e.chain);
                return true;
            }, error)) {
            error = "reading the store: " + error;
            return false;
        }
        if (first.count(session))
            continue;
        if (stored.empty()) {
            first.emplace(session, CopyFinding{session, events.begin()->first,
                                               "the session is not in the store, but the copy has "
                                                   + std::to_string(events.size()) + " of its events (seq "
                                                   + std::to_string(events.begin()->first) + " to "
                                                   + std::to_string(events.rbegin()->first)
                                                   + "): removed after they were forwarded"});
            continue;
        }
        for (const auto &[seq, copied] : events) {
            const auto it = stored.find(seq);
            if (it == stored.end()) {
                first.emplace(session, CopyFinding{session, seq,
                                                   "seq " + std::to_string(seq) + " is not in the store, but the copy has it ("
                                                       + copied.where + "): removed after it was forwarded"});
                break;
            }
            if (it->second != copied.chain) {
                first.emplace(session, CopyFinding{session, seq,
                                                   "its chain value is not the one forwarded (" + copied.where
                                                       + "): this event or one before it was altered after it left"});
                break;
            }
            ++out.matched;
        }
    }
    for (auto &[s, f] : first)
        out.findings.push_back(std::move(f));
    return true;
}

} // namespace osh::audit
