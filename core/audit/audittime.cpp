#include "audittime.h"

#include <QDateTime>
#include <QTimeZone>

#include <cmath>
#include <cstdio>
#include <ctime>

namespace osh::audit {

std::string formatIsoUtc(double ts)
{
    // gmtime_r rather than QDateTime: this runs once per printed event.
    const auto ms = static_cast<long long>(std::llround(ts * 1000.0));
    long long secs = ms / 1000;
    long long frac = ms % 1000;
    if (frac < 0) {
        frac += 1000;
        --secs;
    }
    const auto t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[96]; // room for any int the compiler cannot rule out
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    return buf;
}

std::optional<double> parseSince(std::string_view text, double now, std::string &error)
{
    if (text.empty()) {
        error = "empty time";
        return std::nullopt;
    }
    // Durations: digits (a fraction allowed) and one unit letter.
    const char unit = text.back();
    const std::string_view number = text.substr(0, text.size() - 1);
    double scale = 0;
    switch (unit) {
    case 's': scale = 1; break;
    case 'm': scale = 60; break;
    case 'h': scale = 3600; break;
    case 'd': scale = 86400; break;
    case 'w': scale = 7 * 86400; break;
    default: break;
    }
    if (scale != 0 && !number.empty() && number.find_first_not_of("0123456789.") == std::string_view::npos
        && number.find('.') == number.rfind('.') && number != ".") {
        return now - std::stod(std::string(number)) * scale;
    }

    const QString s = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
    QDateTime dt = QDateTime::fromString(s, Qt::ISODateWithMs);
    if (dt.isValid()) {
        // Qt reads a date-time without an offset as local time; ours is UTC.
        if (dt.timeSpec() == Qt::LocalTime)
            dt = QDateTime(dt.date(), dt.time(), QTimeZone::utc());
        return static_cast<double>(dt.toMSecsSinceEpoch()) / 1000.0;
    }
    const QDate date = QDate::fromString(s, Qt::ISODate);
    if (date.isValid())
        return static_cast<double>(QDateTime(date, QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch()) / 1000.0;
    error = "invalid time '" + std::string(text) + "' (expected e.g. 30m, 1h, 2d or an ISO-8601 date-time)";
    return std::nullopt;
}

} // namespace osh::audit
