#pragma once
// Typed settings of the studio: one getter and one setter per setting, each
// with its default, over QSettings. No other file uses raw settings keys.
// Used by the main window (workspace, layout, open files), the theme and
// language managers, the preferences dialog and the git history (commit
// author).

#include <QByteArray>
#include <QObject>
#include <QSettings>
#include <QString>
#include <QStringList>

namespace osh::ui {

class Settings : public QObject
{
    Q_OBJECT

public:
    enum class Theme { System, Light, Dark };
    Q_ENUM(Theme)
    enum class Language { System, English, German };
    Q_ENUM(Language)

    static constexpr int MaxRecentWorkspaces = 10;

    // Uses the application's default QSettings (organization/application
    // names), or the given ini file (tests, portable setups).
    explicit Settings(QObject *parent = nullptr);
    explicit Settings(const QString &iniFile, QObject *parent = nullptr);
    ~Settings() override;

    // The process-wide instance the studio uses (created on first use).
    static Settings *instance();

    Theme theme() const;
    void setTheme(Theme theme);

    Language language() const;
    void setLanguage(Language language);

    // Commit author for git commits; defaults from the login name and host
    // (empty when neither is known).
    QString authorName() const;
    void setAuthorName(const QString &name);
    QString authorEmail() const;
    void setAuthorEmail(const QString &email);

    // Most recent first, at most MaxRecentWorkspaces, folders that no longer
    // exist are dropped when read.
    QStringList recentWorkspaces() const;
    void addRecentWorkspace(const QString &path);
    void removeRecentWorkspace(const QString &path);
    void clearRecentWorkspaces();

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);

    // Files open in a workspace (absolute paths), and the file that was
    // current; empty when nothing was saved for that workspace.
    QStringList openFiles(const QString &workspace) const;
    QString currentFile(const QString &workspace) const;
    void setOpenFiles(const QString &workspace, const QStringList &files, const QString &current);

    // Index of the page (tab) that was shown last; 0 by default.
    int lastPage() const;
    void setLastPage(int page);

    // Forgets every setting (back to the defaults).
    void clear();
    void sync();

Q_SIGNALS:
    void themeChanged(osh::ui::Settings::Theme theme);
    void languageChanged(osh::ui::Settings::Language language);
    void recentWorkspacesChanged();

private:
    static QString workspaceGroup(const QString &workspace);

    QSettings *m_settings;
};

} // namespace osh::ui
