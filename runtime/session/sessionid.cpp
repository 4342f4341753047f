#include "sessionid.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <cstdio>

namespace osh::runtime {

std::string newSessionId()
{
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%08x", QRandomGenerator::system()->generate());
    return stamp.toStdString() + "-" + suffix;
}

} // namespace osh::runtime
