// The typed settings: defaults, round trip through the file, enum values
// stored by name, the recent-workspace list (order, limit, pruning), open
// files per workspace, change signals, and the start workspace choice.

#include "shell/settings.h"
#include "shell/workspacelocator.h"
#include "vcs/policyrepository.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

using osh::ui::Settings;

class TestSettings : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_tmp;

    QString ini() const { return m_tmp->filePath(QStringLiteral("studio.ini")); }
    QString makeDir(const QString &name) const
    {
        const QString p = m_tmp->filePath(name);
        QDir().mkpath(p);
        return p;
    }

private Q_SLOTS:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
    }
    void cleanup() { m_tmp.reset(); }

    void defaults()
    {
        qputenv("USER", "alice");
        Settings s(ini());
        QVERIFY(s.theme() == Settings::Theme::System);
        QVERIFY(s.language() == Settings::Language::System);
        QVERIFY(s.recentWorkspaces().isEmpty());
        QVERIFY(s.windowGeometry().isEmpty());
        QVERIFY(s.windowState().isEmpty());
        QCOMPARE(s.lastPage(), 0);
        QCOMPARE(s.authorName(), QStringLiteral("alice"));
        QCOMPARE(s.authorEmail(), QStringLiteral("alice@") + QSysInfo::machineHostName());
        QVERIFY(s.openFiles(m_tmp->path()).isEmpty());
        QVERIFY(s.currentFile(m_tmp->path()).isEmpty());
        // An explicitly empty e-mail stays empty (not the default again).
        s.setAuthorEmail(QString());
        QCOMPARE(s.authorEmail(), QString());
    }

    void roundTrip()
    {
        const QString ws = makeDir(QStringLiteral("ws"));
        {
            Settings s(ini());
            s.setTheme(Settings::Theme::Dark);
            s.setLanguage(Settings::Language::German);
            s.setAuthorName(QStringLiteral("  Bob Builder "));
            s.setAuthorEmail(QStringLiteral("bob@example.org"));
            s.setWindowGeometry(QByteArray("geo\x01\x02", 5));
            s.setWindowState(QByteArray("state"));
            s.setLastPage(3);
            s.setOpenFiles(ws, {ws + QStringLiteral("/a.policy.yaml")}, ws + QStringLiteral("/a.policy.yaml"));
            s.addRecentWorkspace(ws);
            s.sync();
        }
        Settings s(ini());
        QVERIFY(s.theme() == Settings::Theme::Dark);
        QVERIFY(s.language() == Settings::Language::German);
        QCOMPARE(s.authorName(), QStringLiteral("Bob Builder"));
        QCOMPARE(s.authorEmail(), QStringLiteral("bob@example.org"));
        QCOMPARE(s.windowGeometry(), QByteArray("geo\x01\x02", 5));
        QCOMPARE(s.windowState(), QByteArray("state"));
        QCOMPARE(s.lastPage(), 3);
        QCOMPARE(s.openFiles(ws), QStringList{ws + QStringLiteral("/a.policy.yaml")});
        QCOMPARE(s.currentFile(ws + QStringLiteral("/")), ws + QStringLiteral("/a.policy.yaml")); // same folder, other spelling
        QCOMPARE(s.recentWorkspaces(), QStringList{ws});
        // Stored by name, readable in the file.
        QFile f(ini());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY2(text.contains("theme=Dark") && text.contains("language=German"), text.constData());
    }

    void unknownValuesFallBackToDefaults()
    {
        {
            QFile f(ini());
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("[appearance]\ntheme=Purple\nlanguage=42\n[window]\nlastPage=-4\n");
        }
        Settings s(ini());
        QVERIFY(s.theme() == Settings::Theme::System);
        QVERIFY(s.language() == Settings::Language::System);
        QCOMPARE(s.lastPage(), 0);
    }

    void recentOrderLimitAndPruning()
    {
        Settings s(ini());
        QSignalSpy changed(&s, &Settings::recentWorkspacesChanged);
        QStringList dirs;
        for (int i = 0; i < 12; ++i)
            dirs << makeDir(QStringLiteral("w%1").arg(i));
        for (const QString &d : dirs)
            s.addRecentWorkspace(d);
        QCOMPARE(changed.count(), 12);
        QStringList recent = s.recentWorkspaces();
        QCOMPARE(recent.size(), Settings::MaxRecentWorkspaces);
        QCOMPARE(recent.first(), dirs.at(11));
        QCOMPARE(recent.last(), dirs.at(2));

        // Re-opening moves to the front, no duplicate; unclean spellings are one entry.
        s.addRecentWorkspace(dirs.at(5) + QStringLiteral("/./"));
        recent = s.recentWorkspaces();
        QCOMPARE(recent.size(), 10);
        QCOMPARE(recent.first(), dirs.at(5));
        QCOMPARE(recent.count(dirs.at(5)), 1);

        // A folder that disappeared is dropped.
        QVERIFY(QDir(dirs.at(11)).removeRecursively());
        recent = s.recentWorkspaces();
        QCOMPARE(recent.size(), 9);
        QVERIFY(!recent.contains(dirs.at(11)));

        s.removeRecentWorkspace(dirs.at(5));
        QVERIFY(!s.recentWorkspaces().contains(dirs.at(5)));
        s.clearRecentWorkspaces();
        QVERIFY(s.recentWorkspaces().isEmpty());
    }

    void openFilesArePerWorkspace()
    {
        const QString a = makeDir(QStringLiteral("a")), b = makeDir(QStringLiteral("b"));
        Settings s(ini());
        s.setOpenFiles(a, {a + QStringLiteral("/x.policy.yaml"), a + QStringLiteral("/y.policy.yaml")}, a + QStringLiteral("/y.policy.yaml"));
        s.setOpenFiles(b, {b + QStringLiteral("/z.policy.yaml")}, b + QStringLiteral("/z.policy.yaml"));
        QCOMPARE(s.openFiles(a).size(), 2);
        QCOMPARE(s.currentFile(a), a + QStringLiteral("/y.policy.yaml"));
        QCOMPARE(s.openFiles(b), QStringList{b + QStringLiteral("/z.policy.yaml")});
    }

    void changeSignalsFireOnChangeOnly()
    {
        Settings s(ini());
        QSignalSpy theme(&s, &Settings::themeChanged);
        QSignalSpy language(&s, &Settings::languageChanged);
        s.setTheme(Settings::Theme::System); // the default: no change
        QCOMPARE(theme.count(), 0);
        s.setTheme(Settings::Theme::Light);
        s.setTheme(Settings::Theme::Light);
        QCOMPARE(theme.count(), 1);
        QVERIFY(theme.at(0).at(0).value<Settings::Theme>() == Settings::Theme::Light);
        s.setLanguage(Settings::Language::German);
        QCOMPARE(language.count(), 1);
    }

    void startWorkspace()
    {
        Settings s(ini());
        const QString demo = osh::ui::demoWorkspacePath();
        QCOMPARE(demo, QDir(QStringLiteral(OSH_SOURCE_DIR "/examples/customer-support")).canonicalPath());
        // First start: the user's copy of the demo, a repository of its own
        // whose first commit is tagged as deployed.
        qputenv("XDG_DATA_HOME", m_tmp->filePath(QStringLiteral("data")).toUtf8());
        const QString copy = m_tmp->filePath(QStringLiteral("data/openshell/workspaces/customer-support"));
        QString note;
        QCOMPARE(osh::ui::initialWorkspace(QString(), s, &note), copy);
        QVERIFY2(note.isEmpty(), qPrintable(note));
        QVERIFY(QFileInfo::exists(copy + QStringLiteral("/customer-support.policy.yaml")));
        QVERIFY(QFileInfo(copy + QStringLiteral("/tools")).isDir());
        QVERIFY(!QFileInfo::exists(copy + QStringLiteral(".partial")));
        auto repo = osh::vcs::PolicyRepository::discover(copy);
        QVERIFY2(repo, qPrintable(repo.error));
        QCOMPARE(QDir(repo->workdir()).canonicalPath(), QDir(copy).canonicalPath());
        const auto history = repo->history(copy + QStringLiteral("/customer-support.policy.yaml"));
        QVERIFY(history);
        QCOMPARE(history->size(), 1);
        QCOMPARE(history->first().deployedTags.size(), 1);
        auto status = repo->status(copy + QStringLiteral("/customer-support.policy.yaml"));
        QVERIFY(status && !status->dirty());
        // Made once: a second start opens the same copy, edits kept.
        QFile edited(copy + QStringLiteral("/kb/note.txt"));
        QVERIFY(edited.open(QIODevice::WriteOnly));
        edited.close();
        QCOMPARE(osh::ui::initialWorkspace(QString(), s), copy);
        QVERIFY(QFileInfo::exists(copy + QStringLiteral("/kb/note.txt")));
        // A copy that cannot be made falls back to the bundled demo and says why.
        QFile blocker(m_tmp->filePath(QStringLiteral("blocked")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        qputenv("XDG_DATA_HOME", blocker.fileName().toUtf8());
        QCOMPARE(osh::ui::initialWorkspace(QString(), s, &note), demo);
        QVERIFY(note.contains(QStringLiteral("bundled demo")));
        qunsetenv("XDG_DATA_HOME");
        const QString w = makeDir(QStringLiteral("recent"));
        s.addRecentWorkspace(w);
        QCOMPARE(osh::ui::initialWorkspace(QString(), s), w);
        QCOMPARE(osh::ui::initialWorkspace(m_tmp->path() + QStringLiteral("/x/../given"), s), m_tmp->path() + QStringLiteral("/given"));
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
