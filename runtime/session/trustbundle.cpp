#include "trustbundle.h"

#include "gateway/beneath.h"
#include "model/policy.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <cstring>
#include <thread>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace osh::runtime {

namespace {

bool writeFile(const QString &path, const QByteArray &data, QString *why)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size() || !f.commit()) {
        *why = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
    return true;
}

} // namespace

QString writeTrustBundle(const QString &dir, const QByteArray &sessionCaPem, QString *why)
{
    if (sessionCaPem.isEmpty()) {
        *why = QStringLiteral("the session has no interception CA");
        return {};
    }
    if (!QDir().mkpath(dir)) {
        *why = QStringLiteral("cannot create %1").arg(dir);
        return {};
    }
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup
                                   | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
    QByteArray bundle;
    QFile host(QStringLiteral("/etc/ssl/certs/ca-certificates.crt"));
    if (host.open(QIODevice::ReadOnly)) {
        bundle = host.read(64 << 20);
        if (!bundle.isEmpty() && !bundle.endsWith('\n'))
            bundle += '\n';
    }
    bundle += "# OpenShell session CA: HTTPS from this sandbox is inspected by the network guardian\n";
    bundle += sessionCaPem;
    if (!writeFile(QDir(dir).filePath(QStringLiteral("ca-certificates.crt")), bundle, why)
        || !writeFile(QDir(dir).filePath(QStringLiteral("openshell-session-ca.pem")), sessionCaPem, why))
        return {};
    return dir;
}

QByteArray readRuleCaFile(const QString &caFile, const QString &policyDir, int rule, uint userId, QString *why)
{
    const QString path = QFileInfo(QDir(policyDir), caFile).absoluteFilePath();
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *why = QStringLiteral("ca_file of rule %1 (%2): %3").arg(rule).arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return {};
    }
    struct stat st {};
    QByteArray data;
    const bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= (1 << 20)
        && (userId == 0 || st.st_uid == userId || (st.st_mode & S_IROTH));
    if (ok) {
        data.resize(static_cast<qsizetype>(st.st_size));
        qsizetype got = 0;
        while (got < data.size()) {
            const auto n = ::read(fd, data.data() + got, static_cast<std::size_t>(data.size() - got));
            if (n <= 0)
                break;
            got += n;
        }
        data.truncate(got);
    }
    ::close(fd);
    if (!ok) {
        *why = QStringLiteral("ca_file of rule %1 (%2) must be a regular file of at most 1 MiB that the session's user "
                              "can read")
                   .arg(rule)
                   .arg(path);
        return {};
    }
    if (!data.contains("-----BEGIN CERTIFICATE-----")) {
        *why = QStringLiteral("ca_file of rule %1 (%2) holds no PEM certificate").arg(rule).arg(path);
        return {};
    }
    return data;
}

QString writeRuleCaCopy(const QByteArray &pem, const QString &dir, int rule, QString *why)
{
    if (!QDir().mkpath(dir)) {
        *why = QStringLiteral("cannot create %1").arg(dir);
        return {};
    }
    const QString copy = QDir(dir).filePath(QStringLiteral("rule-%1.pem").arg(rule));
    if (!writeFile(copy, pem, why))
        return {};
    return copy;
}

std::optional<std::map<int, QString>> copyRuleCaFiles(const PolicyDocument &doc, const QString &policyDir,
                                                      const QString &dir, std::optional<uid_t> ownerUid, QString *why)
{
    std::map<int, QString> copies;
    const uid_t user = ownerUid.value_or(::getuid());
    // A client of the service: read as that user, so folders they cannot
    // search stay closed to them (the rest of the process keeps root's).
    const bool asUser = ownerUid && ::geteuid() == 0 && user != 0;
    const passwd *pw = asUser ? ::getpwuid(user) : nullptr;
    const gid_t group = pw ? pw->pw_gid : static_cast<gid_t>(user);
    for (std::size_t i = 0; i < doc.network.rules.size(); ++i) {
        const auto &rule = doc.network.rules[i];
        if (!rule.caFile || !rule.inspected())
            continue;
        const int index = static_cast<int>(i);
        const QString file = QString::fromStdString(*rule.caFile);
        QByteArray pem;
        if (asUser) {
            std::string fsWhy;
            std::thread t([&] {
                if (beneath::becomeFileUser(user, group, &fsWhy))
                    pem = readRuleCaFile(file, policyDir, index, user, why);
            });
            t.join();
            if (pem.isEmpty() && why->isEmpty())
                *why = QString::fromStdString(fsWhy);
        } else {
            pem = readRuleCaFile(file, policyDir, index, user, why);
        }
        const QString copy = pem.isEmpty() ? QString() : writeRuleCaCopy(pem, dir, index, why);
        if (copy.isEmpty())
            return std::nullopt;
        copies[index] = copy;
    }
    return copies;
}

} // namespace osh::runtime
