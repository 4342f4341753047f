// The studio's shell: light/dark palettes and the signal, themed icons that
// follow the palette and the device pixel ratio, the German translation
// loaded from the resources, the about box's library versions, errors in the
// message bar, and the main window restoring its layout, workspace, open file
// and page from the settings (first start: the demo workspace).

#include "uitestsupport.h"

#include "shell/mainwindow.h"
#include "editor/policyeditor.h"
#include "shell/aboutdialog.h"
#include "shell/languagemanager.h"
#include "shell/messagebar.h"
#include "shell/preferencesdialog.h"
#include "shell/settings.h"
#include "shell/themedicon.h"
#include "shell/thememanager.h"
#include "shell/workspacelocator.h"

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTreeWidget>

using namespace osh::ui;

namespace {

// Mean lightness of the opaque pixels of an icon.
int inkLightness(const QImage &img)
{
    qint64 sum = 0, n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor c = img.pixelColor(x, y);
            if (c.alpha() > 200) {
                sum += c.lightness();
                ++n;
            }
        }
    return n ? int(sum / n) : -1;
}

} // namespace

class TestShell : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        // Every QSettings of this process (Settings::instance()) lives here.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_config.path());
        QCoreApplication::setOrganizationName(QStringLiteral("OpenShellTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_shell"));
        qputenv("OPENSHELL_STORE", m_config.filePath(QStringLiteral("audit.db")).toUtf8());
        qputenv("XDG_DATA_HOME", m_config.filePath(QStringLiteral("data")).toUtf8()); // the demo's copy
        QVERIFY(Settings::instance()->recentWorkspaces().isEmpty());
    }
    void init() { Settings::instance()->clear(); }

    void themeSwitchesPaletteAndSignals()
    {
        ThemeManager theme(Settings::Theme::Light);
        QCOMPARE(QApplication::style()->name().toLower(), QStringLiteral("fusion"));
        QVERIFY(!theme.isDark());
        QVERIFY(QGuiApplication::palette().color(QPalette::Window).lightness() > 200);
        QSignalSpy dark(&theme, &ThemeManager::darkChanged);
        theme.setTheme(Settings::Theme::Dark);
        QVERIFY(theme.isDark());
        QVERIFY(QGuiApplication::palette().color(QPalette::Window).lightness() < 60);
        QVERIFY(QGuiApplication::palette().color(QPalette::Text).lightness() > 200);
        QCOMPARE(dark.count(), 1);
        QCOMPARE(dark.at(0).at(0).toBool(), true);
        theme.setTheme(Settings::Theme::Dark);
        QCOMPARE(dark.count(), 1); // no flip, no signal

        // System follows the portal's color-scheme, then the platform palette.
        theme.setTheme(Settings::Theme::System);
        QCOMPARE(theme.isDark(), theme.systemPrefersDark());
        theme.setPortalColorScheme(1); // prefer dark
        QVERIFY(theme.isDark());
        theme.setPortalColorScheme(2); // prefer light
        QVERIFY(!theme.isDark());
        QCOMPARE(dark.last().at(0).toBool(), false);
        theme.setPortalColorScheme(1);
        QVERIFY(theme.isDark());
        theme.setPortalColorScheme(0); // no preference: the offscreen platform palette is light
        QVERIFY(!theme.isDark());
        QVERIFY(QGuiApplication::palette().color(QPalette::Window).lightness() > 200);
    }

    void editorFollowsDarkMode()
    {
        ThemeManager theme(Settings::Theme::Light);
        MainWindow w;
        w.setDarkMode(theme.isDark());
        connect(&theme, &ThemeManager::darkChanged, &w, &MainWindow::setDarkMode); // as main.cpp
        QVERIFY(!w.editor()->isDarkMode());
        theme.setTheme(Settings::Theme::Dark);
        QVERIFY(w.editor()->isDarkMode());
        theme.setTheme(Settings::Theme::Light);
        QVERIFY(!w.editor()->isDarkMode());
    }

    void iconsFollowPaletteAndScale()
    {
        ThemeManager theme(Settings::Theme::Light);
        const QIcon save = themedIcon(QStringLiteral("save.svg"));
        QVERIFY(!save.isNull());
        QVERIFY(themedIcon(QStringLiteral("no-such-icon.svg")).isNull());
        const QImage light = save.pixmap(QSize(32, 32)).toImage();
        QVERIFY(inkLightness(light) >= 0 && inkLightness(light) < 80);
        theme.setTheme(Settings::Theme::Dark);
        const QImage dark = save.pixmap(QSize(32, 32)).toImage();
        QVERIFY2(inkLightness(dark) > 180, qPrintable(QString::number(inkLightness(dark))));
        // Drawn at the device resolution, not scaled up.
        const QPixmap hi = save.pixmap(QSize(16, 16), 2.0);
        QCOMPARE(hi.size(), QSize(32, 32));
        QCOMPARE(hi.devicePixelRatio(), 2.0);
        for (const char *alias : {"open.svg", "settings.svg", "about.svg", "policy.svg", "simulator.svg", "tests.svg", "launcher.svg", "recent.svg"})
            QVERIFY2(!themedIcon(QString::fromLatin1(alias)).isNull(), alias);
        theme.setTheme(Settings::Theme::Light);
    }

    void germanTranslationLoads()
    {
        LanguageManager language;
        QVERIFY(language.install(Settings::Language::German));
        QCOMPARE(language.activeLanguage(), QStringLiteral("de"));
        QCOMPARE(QCoreApplication::translate("osh::ui::MainWindow", "&File"), QStringLiteral("&Datei"));
        {
            MainWindow w;
            QStringList titles;
            for (QAction *a : w.menuBar()->actions())
                titles << a->text();
            QVERIFY2(titles.contains(QStringLiteral("&Datei")) && titles.contains(QStringLiteral("&Hilfe")), qPrintable(titles.join(u',')));
            QVERIFY(w.findChild<QAction *>(QStringLiteral("openWorkspaceAction"))->text().startsWith(QStringLiteral("Arbeitsbereich")));
        }
        QVERIFY(language.install(Settings::Language::English));
        QCOMPARE(language.activeLanguage(), QStringLiteral("en"));
        QCOMPARE(QCoreApplication::translate("osh::ui::MainWindow", "&File"), QStringLiteral("&File"));
        QCOMPARE(LanguageManager::localeFor(Settings::Language::German).language(), QLocale::German);
    }

    void aboutListsVersions()
    {
        const auto libs = AboutDialog::libraryVersions();
        QStringList names;
        for (const auto &[name, version] : libs) {
            names << name;
            QVERIFY2(!version.isEmpty() && (version.at(0).isDigit() || version.startsWith(QStringLiteral("ABI "))),
                     qPrintable(name + QStringLiteral(": ") + version));
        }
        QCOMPARE(names, (QStringList{QStringLiteral("Qt"), QStringLiteral("QScintilla"), QStringLiteral("libgit2"), QStringLiteral("SQLite"),
                                     QStringLiteral("libyaml"), QStringLiteral("RE2"), QStringLiteral("Hyperscan"), QStringLiteral("libphonenumber"),
                                     QStringLiteral("libarchive")}));
        QCOMPARE(libs.first().second, QString::fromLatin1(qVersion()));
        AboutDialog dialog;
        auto *tree = dialog.findChild<QTreeWidget *>(QStringLiteral("libraryVersions"));
        QVERIFY(tree);
        QCOMPARE(tree->topLevelItemCount(), int(libs.size()));
        QVERIFY(!AboutDialog::applicationVersion().isEmpty());
    }

    void errorsShowInTheMessageBar()
    {
        MainWindow w;
        w.show();
        QVERIFY(!w.messageBar()->isVisible());
        QVERIFY(!w.openWorkspace(QStringLiteral("/nonexistent/osh-ws")));
        QVERIFY(w.messageBar()->isVisible());
        QVERIFY(w.messageBar()->kind() == MessageBar::Kind::Error);
        QVERIFY(w.messageBar()->text().contains(QStringLiteral("/nonexistent/osh-ws")));
        QVERIFY(!w.openPolicy(QStringLiteral("/nonexistent/x.policy.yaml")));
        QVERIFY(w.messageBar()->text().contains(QStringLiteral("x.policy.yaml")));
        w.messageBar()->dismiss();
        QVERIFY(!w.messageBar()->isVisible());
    }

    void firstStartOpensTheDemo()
    {
        MainWindow w;
        w.restoreSession(QString());
        const QString copy = m_config.filePath(QStringLiteral("data/openshell/workspaces/customer-support"));
        QCOMPARE(w.workspace(), copy);
        QVERIFY(w.editor()->text().contains(QStringLiteral("name: customer-support")));
        QCOMPARE(Settings::instance()->recentWorkspaces(), QStringList{copy});
        QVERIFY(!w.messageBar()->isVisible());
    }

    void restoresLayoutWorkspaceFileAndPage()
    {
        osh::test::TempWorkspace ws;
        QVERIFY(ws.isValid());
        QVERIFY(ws.writeFile(QStringLiteral("a.policy.yaml"), osh::test::minimalPolicy("a")));
        QVERIFY(ws.writeFile(QStringLiteral("b.policy.yaml"), osh::test::minimalPolicy("b")));
        const QString other = ws.dir.filePath(QStringLiteral("other"));
        QVERIFY(QDir().mkpath(other));
        {
            MainWindow w;
            w.show();
            w.restoreSession(ws.path());
            QCOMPARE(w.workspace(), ws.path());
            QVERIFY(w.editor()->fileName().endsWith(QStringLiteral("/a.policy.yaml"))); // the first one
            auto *files = w.findChild<QDockWidget *>(QStringLiteral("policiesDock"))->widget();
            static_cast<QListWidget *>(files)->setCurrentRow(1);
            QVERIFY(w.editor()->fileName().endsWith(QStringLiteral("/b.policy.yaml")));
            w.findChild<QDockWidget *>(QStringLiteral("problemsDock"))->hide();
            w.pages()->setCurrentIndex(2);
            // Another workspace in between: both end up in the recent list.
            QVERIFY(w.switchWorkspace(other));
            QVERIFY(w.switchWorkspace(ws.path()));
            QVERIFY(w.editor()->fileName().endsWith(QStringLiteral("/b.policy.yaml")));
            QCOMPARE(w.recentMenu()->actions().first()->data().toString(), ws.path());
            QVERIFY(w.close()); // saves the session
        }
        QCOMPARE(Settings::instance()->recentWorkspaces(), (QStringList{ws.path(), other}));
        MainWindow w;
        w.restoreSession(QString()); // no argument: the most recent workspace
        w.show();
        QCOMPARE(w.workspace(), ws.path());
        QVERIFY2(w.editor()->fileName().endsWith(QStringLiteral("/b.policy.yaml")), qPrintable(w.editor()->fileName()));
        QVERIFY(w.editor()->text().contains(QStringLiteral("name: b")));
        QCOMPARE(w.pages()->currentIndex(), 2);
        QVERIFY(w.findChild<QDockWidget *>(QStringLiteral("problemsDock"))->isHidden());
        QVERIFY(w.findChild<QDockWidget *>(QStringLiteral("policiesDock"))->isVisible());
        // The recent menu offers both, most recent first.
        QStringList offered;
        for (QAction *a : w.recentMenu()->actions())
            if (!a->data().toString().isEmpty())
                offered << a->data().toString();
        QCOMPARE(offered, (QStringList{ws.path(), other}));
    }

    void missingRecentWorkspaceIsDroppedWithAnError()
    {
        osh::test::TempWorkspace ws;
        const QString gone = ws.dir.filePath(QStringLiteral("gone"));
        QVERIFY(QDir().mkpath(gone));
        Settings::instance()->addRecentWorkspace(gone);
        MainWindow w;
        QVERIFY(QDir(gone).removeRecursively());
        QVERIFY(!w.switchWorkspace(gone));
        QVERIFY(w.messageBar()->text().contains(gone));
        QVERIFY(!Settings::instance()->recentWorkspaces().contains(gone));
    }

    void preferencesWriteSettings()
    {
        auto *s = Settings::instance();
        PreferencesDialog dialog(s);
        auto *theme = dialog.findChild<QComboBox *>(QStringLiteral("themeCombo"));
        auto *language = dialog.findChild<QComboBox *>(QStringLiteral("languageCombo"));
        theme->setCurrentIndex(theme->findData(int(Settings::Theme::Dark)));
        language->setCurrentIndex(language->findData(int(Settings::Language::German)));
        dialog.findChild<QLineEdit *>(QStringLiteral("authorName"))->setText(QStringLiteral("Carol"));
        dialog.findChild<QLineEdit *>(QStringLiteral("authorEmail"))->setText(QStringLiteral("carol@example.org"));
        MainWindow w;
        dialog.apply();
        QVERIFY(s->theme() == Settings::Theme::Dark);
        QVERIFY(s->language() == Settings::Language::German);
        QCOMPARE(s->authorName(), QStringLiteral("Carol"));
        QCOMPARE(s->authorEmail(), QStringLiteral("carol@example.org"));
        // The language applies on restart, and the window says so.
        QVERIFY(w.messageBar()->kind() == MessageBar::Kind::Information);
        QVERIFY(!w.messageBar()->text().isEmpty());
    }
};

QTEST_MAIN(TestShell)
#include "tst_shell.moc"
