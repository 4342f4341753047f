#pragma once
// The result shapes the gateway answers tools/call with (shared by its
// command tools and MCP servers' tools).

#include "engine/decision.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace osh::runtime {

// Any JSON value as compact text (QJsonDocument holds only objects and arrays).
inline QByteArray jsonValueText(const QJsonValue &v)
{
    const QByteArray wrapped = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

inline QJsonObject textResult(const QString &text, bool isError)
{
    return QJsonObject{{QStringLiteral("content"),
                        QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                               {QStringLiteral("text"), text}}}},
                       {QStringLiteral("isError"), isError}};
}

inline QJsonObject decisionSummary(const Decision &d)
{
    return QJsonObject{{QStringLiteral("decision"), QString::fromLatin1(actionName(d.outcome).data())},
                       {QStringLiteral("policy"), d.policy.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(d.policy))},
                       {QStringLiteral("message"), QString::fromStdString(d.message)}};
}

} // namespace osh::runtime
