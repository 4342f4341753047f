#include "settings.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QSysInfo>
#include <QMetaEnum>

#include <pwd.h>
#include <unistd.h>

namespace osh::ui {

namespace {

// The one place the settings keys are spelled.
const QString kTheme = QStringLiteral("appearance/theme");
const QString kLanguage = QStringLiteral("appearance/language");
const QString kAuthorName = QStringLiteral("git/authorName");
const QString kAuthorEmail = QStringLiteral("git/authorEmail");
const QString kRecent = QStringLiteral("workspaces/recent");
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kLastPage = QStringLiteral("window/lastPage");
const QString kOpenFiles = QStringLiteral("openFiles");
const QString kCurrentFile = QStringLiteral("currentFile");

template<typename E>
E readEnum(const QSettings *s, const QString &key, E fallback)
{
    const QMetaEnum me = QMetaEnum::fromType<E>();
    bool ok = false;
    const int v = me.keyToValue(s->value(key).toString().toLatin1().constData(), &ok);
    return ok ? static_cast<E>(v) : fallback;
}

template<typename E>
QString enumKey(E value)
{
    return QString::fromLatin1(QMetaEnum::fromType<E>().valueToKey(static_cast<int>(value)));
}

QString loginName()
{
    for (const char *var : {"USER", "LOGNAME", "USERNAME"})
        if (const QString v = qEnvironmentVariable(var); !v.isEmpty())
            return v;
    if (const passwd *pw = getpwuid(getuid()); pw && pw->pw_name) // no login environment (services, CI)
        return QString::fromLocal8Bit(pw->pw_name);
    return {};
}

QString cleanPath(const QString &path)
{
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

} // namespace

Settings::Settings(QObject *parent)
    : QObject(parent)
    , m_settings(new QSettings(this))
{
}

Settings::Settings(const QString &iniFile, QObject *parent)
    : QObject(parent)
    , m_settings(new QSettings(iniFile, QSettings::IniFormat, this))
{
}

Settings::~Settings() = default;

Settings *Settings::instance()
{
    static Settings *s = new Settings(QCoreApplication::instance());
    return s;
}

Settings::Theme Settings::theme() const
{
    return readEnum(m_settings, kTheme, Theme::System);
}

void Settings::setTheme(Theme theme)
{
    if (theme == this->theme())
        return;
    m_settings->setValue(kTheme, enumKey(theme));
    Q_EMIT themeChanged(theme);
}

Settings::Language Settings::language() const
{
    return readEnum(m_settings, kLanguage, Language::System);
}

void Settings::setLanguage(Language language)
{
    if (language == this->language())
        return;
    m_settings->setValue(kLanguage, enumKey(language));
    Q_EMIT languageChanged(language);
}

QString Settings::authorName() const
{
    return m_settings->value(kAuthorName, loginName()).toString();
}

void Settings::setAuthorName(const QString &name)
{
    m_settings->setValue(kAuthorName, name.trimmed());
}

QString Settings::authorEmail() const
{
    if (m_settings->contains(kAuthorEmail))
        return m_settings->value(kAuthorEmail).toString();
    const QString user = loginName();
    const QString host = QSysInfo::machineHostName();
    if (user.isEmpty() || host.isEmpty())
        return {};
    return user + QLatin1Char('@') + host;
}

void Settings::setAuthorEmail(const QString &email)
{
    m_settings->setValue(kAuthorEmail, email.trimmed());
}

QStringList Settings::recentWorkspaces() const
{
    QStringList out;
    for (const QString &p : m_settings->value(kRecent).toStringList()) {
        if (!p.isEmpty() && QFileInfo(p).isDir() && !out.contains(p))
            out.append(p);
        if (out.size() == MaxRecentWorkspaces)
            break;
    }
    return out;
}

void Settings::addRecentWorkspace(const QString &path)
{
    const QString p = cleanPath(path);
    QStringList list = recentWorkspaces();
    list.removeAll(p);
    list.prepend(p);
    while (list.size() > MaxRecentWorkspaces)
        list.removeLast();
    m_settings->setValue(kRecent, list);
    Q_EMIT recentWorkspacesChanged();
}

void Settings::removeRecentWorkspace(const QString &path)
{
    QStringList list = recentWorkspaces();
    if (list.removeAll(cleanPath(path)) == 0)
        return;
    m_settings->setValue(kRecent, list);
    Q_EMIT recentWorkspacesChanged();
}

void Settings::clearRecentWorkspaces()
{
    m_settings->remove(kRecent);
    Q_EMIT recentWorkspacesChanged();
}

QByteArray Settings::windowGeometry() const
{
    return m_settings->value(kGeometry).toByteArray();
}

void Settings::setWindowGeometry(const QByteArray &geometry)
{
    m_settings->setValue(kGeometry, geometry);
}

QByteArray Settings::windowState() const
{
    return m_settings->value(kState).toByteArray();
}

void Settings::setWindowState(const QByteArray &state)
{
    m_settings->setValue(kState, state);
}

QString Settings::workspaceGroup(const QString &workspace)
{
    // Paths contain slashes, which QSettings reads as groups: key by a hash.
    const QByteArray h = QCryptographicHash::hash(cleanPath(workspace).toUtf8(), QCryptographicHash::Sha1).toHex().left(16);
    return QStringLiteral("workspace-") + QString::fromLatin1(h) + QLatin1Char('/');
}

QStringList Settings::openFiles(const QString &workspace) const
{
    return m_settings->value(workspaceGroup(workspace) + kOpenFiles).toStringList();
}

QString Settings::currentFile(const QString &workspace) const
{
    return m_settings->value(workspaceGroup(workspace) + kCurrentFile).toString();
}

void Settings::setOpenFiles(const QString &workspace, const QStringList &files, const QString &current)
{
    const QString g = workspaceGroup(workspace);
    m_settings->setValue(g + kOpenFiles, files);
    m_settings->setValue(g + kCurrentFile, current);
}

int Settings::lastPage() const
{
    return qMax(0, m_settings->value(kLastPage, 0).toInt());
}

void Settings::setLastPage(int page)
{
    m_settings->setValue(kLastPage, page);
}

void Settings::clear()
{
    m_settings->clear();
}

void Settings::sync()
{
    m_settings->sync();
}

} // namespace osh::ui
