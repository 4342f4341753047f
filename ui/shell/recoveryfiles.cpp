#include "recoveryfiles.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace osh::ui {

namespace {

// A recovery file larger than this is not read back (a policy is far smaller).
constexpr qint64 kMaxBytes = 16 << 20;

} // namespace

QString RecoveryFiles::folder()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/openshell/recovery");
}

QString RecoveryFiles::fileFor(const QString &policy)
{
    const QString path = QFileInfo(policy).absoluteFilePath();
    const QByteArray h = QCryptographicHash::hash(path.toUtf8(), QCryptographicHash::Sha256).toHex().left(32);
    return folder() + u'/' + QString::fromLatin1(h) + QStringLiteral(".json");
}

bool RecoveryFiles::write(const QString &policy, const QString &text, QString *error)
{
    const QString dir = folder();
    if (!QDir().mkpath(dir)) {
        if (error)
            *error = QStringLiteral("cannot create %1").arg(dir);
        return false;
    }
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QJsonObject o{{QStringLiteral("path"), QFileInfo(policy).absoluteFilePath()},
                        {QStringLiteral("saved_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                        {QStringLiteral("text"), text}};
    QSaveFile f(fileFor(policy));
    if (!f.open(QIODevice::WriteOnly)) {
        if (error)
            *error = f.errorString();
        return false;
    }
    f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    if (!f.commit()) {
        if (error)
            *error = f.errorString();
        return false;
    }
    // The folder is the user's alone; the file is too.
    QFile::setPermissions(fileFor(policy), QFile::ReadOwner | QFile::WriteOwner);
    return true;
}

std::optional<RecoveredEdits> RecoveryFiles::read(const QString &policy)
{
    QFile f(fileFor(policy));
    if (!f.open(QIODevice::ReadOnly) || f.size() > kMaxBytes)
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    if (o.value(QStringLiteral("path")).toString() != QFileInfo(policy).absoluteFilePath()
        || !o.value(QStringLiteral("text")).isString())
        return std::nullopt;
    RecoveredEdits r;
    r.text = o.value(QStringLiteral("text")).toString();
    r.savedAt = QDateTime::fromString(o.value(QStringLiteral("saved_at")).toString(), Qt::ISODateWithMs);
    return r;
}

void RecoveryFiles::remove(const QString &policy) { QFile::remove(fileFor(policy)); }

} // namespace osh::ui
