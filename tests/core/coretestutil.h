#pragma once
// Shared helpers of the core tests: test data paths and readable diagnostics.

#include "util/diagnostic.h"

#include <QString>

namespace osh::test {

// A path below tests/data.
inline QString dataPath(const char *relative)
{
    return QStringLiteral(OSH_TEST_DATA_DIR "/") + QLatin1StringView(relative);
}

// All diagnostics, one formatted line each, for failure messages.
inline QString dump(const Diagnostics &ds)
{
    QString s;
    for (const auto &d : ds)
        s += QString::fromStdString(d.format()) + QLatin1Char('\n');
    return s;
}

} // namespace osh::test
