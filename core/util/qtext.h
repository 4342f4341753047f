#pragma once
// UTF-8 text of the core (std::string, std::string_view) as QString, for
// the studio and the runtime's Qt-facing code.

#include <QByteArray>
#include <QJsonDocument>
#include <QString>

#include <string_view>

namespace osh {

inline QString qs(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

// A recorded JSON text indented for reading; a text that is not JSON (a
// damaged record) as it is, so it stays readable; empty when empty.
inline QString prettyJson(std::string_view text)
{
    if (text.empty())
        return {};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text.data(), static_cast<qsizetype>(text.size())));
    if (doc.isNull())
        return qs(text);
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

} // namespace osh
