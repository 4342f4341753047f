#include "trace/piifindingtext.h"

namespace osh::ui {

namespace {

QString checkWords(const QString &check)
{
    if (check == QLatin1String("luhn"))
        return PiiFindingWords::tr("Luhn check digit");
    if (check == QLatin1String("ssn_ranges"))
        return PiiFindingWords::tr("SSN area, group and serial");
    if (check == QLatin1String("mod97"))
        return PiiFindingWords::tr("IBAN length and mod-97 check");
    if (check == QLatin1String("libphonenumber"))
        return PiiFindingWords::tr("valid phone number");
    if (check == QLatin1String("inet_pton"))
        return PiiFindingWords::tr("valid address");
    if (check == QLatin1String("email_structure"))
        return PiiFindingWords::tr("address structure");
    if (check == QLatin1String("secret_format"))
        return PiiFindingWords::tr("credential format");
    return check;
}

QString seenWords(const QString &seen)
{
    if (seen == QLatin1String("base64"))
        return PiiFindingWords::tr("decoded from base64");
    if (seen == QLatin1String("hex"))
        return PiiFindingWords::tr("decoded from hex");
    if (seen == QLatin1String("folded_characters"))
        return PiiFindingWords::tr("look-alike characters folded");
    if (seen == QLatin1String("invisible_characters"))
        return PiiFindingWords::tr("invisible characters removed");
    if (seen == QLatin1String("mixed_separators"))
        return PiiFindingWords::tr("mixed separators");
    if (seen == QLatin1String("line_break"))
        return PiiFindingWords::tr("split over a line break");
    if (seen == QLatin1String("string_boundary"))
        return PiiFindingWords::tr("split across strings");
    if (seen == QLatin1String("lower_case"))
        return PiiFindingWords::tr("lower case");
    if (seen == QLatin1String("words_for_at_dot"))
        return PiiFindingWords::tr("\"at\" and \"dot\" written as words");
    return seen;
}

} // namespace

PiiFindingText PiiFindingWords::of(const QJsonObject &f)
{
    PiiFindingText t;
    const QString type = f.value(QLatin1String("type")).toString();
    const QString in = f.value(QLatin1String("in")).toString();
    const qint64 begin = f.value(QLatin1String("begin")).toInteger();
    const qint64 end = f.value(QLatin1String("end")).toInteger();
    t.what = in.isEmpty() ? tr("%1, bytes %2-%3").arg(type).arg(begin).arg(end)
                          : tr("%1 in %2, bytes %3-%4").arg(type, in).arg(begin).arg(end);
    t.why = checkWords(f.value(QLatin1String("check")).toString());
    const QString detail = f.value(QLatin1String("detail")).toString();
    if (!detail.isEmpty())
        t.why += QStringLiteral(" (%1)").arg(detail);
    const QString keyword = f.value(QLatin1String("keyword")).toString();
    if (!keyword.isEmpty())
        t.why += QStringLiteral(" · ") + tr("after \"%1\"").arg(keyword);
    QStringList seen;
    for (const auto v : f.value(QLatin1String("seen")).toArray())
        seen << seenWords(v.toString());
    if (!seen.isEmpty())
        t.why += QStringLiteral(" · ") + tr("read through: %1").arg(seen.join(QStringLiteral(", ")));
    return t;
}

QList<PiiFindingText> PiiFindingWords::ofAll(const QJsonArray &findings)
{
    QList<PiiFindingText> out;
    for (const auto v : findings)
        if (v.isObject())
            out << of(v.toObject());
    return out;
}

} // namespace osh::ui
