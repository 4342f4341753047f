#pragma once
// Test helper: events built from a few fields, and a list of events as
// "session+seq" ids ("a1,b1,a2"), for the audit store suites.

#include "audit/auditevent.h"

#include <QString>
#include <QStringList>

#include <string>
#include <vector>

namespace osh::test {

inline AuditEvent makeEvent(const std::string &session, double ts, const std::string &type, const std::string &tool,
                            const std::string &decision, const std::string &severity)
{
    AuditEvent e;
    e.sessionId = session;
    e.ts = ts;
    e.type = type;
    e.tool = tool;
    e.decision = decision;
    e.severity = severity;
    e.parameters = "{\"k\":1}";
    return e;
}

inline QString ids(const std::vector<AuditEvent> &events)
{
    QStringList out;
    for (const auto &e : events)
        out << QString::fromStdString(e.sessionId) + QString::number(e.seq);
    return out.join(QLatin1Char(','));
}

} // namespace osh::test
