// The theme manager against a real D-Bus: a private dbus-daemon with a
// stand-in XDG desktop portal (org.freedesktop.portal.Settings) on it. The
// System theme reads the portal's color-scheme at start and follows its
// SettingChanged signal.

#include "shell/settings.h"
#include "shell/thememanager.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QGuiApplication>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using osh::ui::Settings;
using osh::ui::ThemeManager;

// The portal's Settings interface, as much as the theme manager uses.
class FakePortalSettings : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.portal.Settings")

public:
    uint scheme = 1; // prefer dark
    int reads = 0;

public Q_SLOTS:
    QDBusVariant Read(const QString &ns, const QString &key)
    {
        ++reads;
        if (ns != QLatin1String("org.freedesktop.appearance") || key != QLatin1String("color-scheme"))
            return QDBusVariant(QString());
        // Older portals wrap the value twice; the manager unwraps both.
        return QDBusVariant(QVariant::fromValue(QDBusVariant(scheme)));
    }

Q_SIGNALS:
    void SettingChanged(const QString &ns, const QString &key, const QDBusVariant &value);
};

class TestThemePortal : public QObject
{
    Q_OBJECT

    QProcess m_daemon;
    FakePortalSettings m_portal;

private Q_SLOTS:
    void initTestCase()
    {
        const QString daemon = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
        if (daemon.isEmpty())
            QSKIP("dbus-daemon is not installed");
        m_daemon.start(daemon, {QStringLiteral("--session"), QStringLiteral("--nofork"), QStringLiteral("--print-address=1")});
        QVERIFY(m_daemon.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(m_daemon.canReadLine(), 10000);
        const QByteArray address = m_daemon.readLine().trimmed();
        QVERIFY(address.startsWith("unix:"));
        // Before anything asks for the session bus.
        qputenv("DBUS_SESSION_BUS_ADDRESS", address);
        auto portalBus = QDBusConnection::connectToBus(QString::fromUtf8(address), QStringLiteral("fake-portal"));
        QVERIFY(portalBus.isConnected());
        QVERIFY(portalBus.registerObject(QStringLiteral("/org/freedesktop/portal/desktop"), &m_portal,
                                         QDBusConnection::ExportAllSlots | QDBusConnection::ExportAllSignals));
        QVERIFY(portalBus.registerService(QStringLiteral("org.freedesktop.portal.Desktop")));
    }
    void cleanupTestCase()
    {
        QDBusConnection::disconnectFromBus(QStringLiteral("fake-portal"));
        if (m_daemon.state() != QProcess::NotRunning) {
            m_daemon.terminate();
            m_daemon.waitForFinished(5000);
        }
    }

    void followsThePortal()
    {
        m_portal.scheme = 1;
        ThemeManager theme(Settings::Theme::System);
        QSignalSpy dark(&theme, &ThemeManager::darkChanged);
        // The offscreen platform palette is light: dark can only come from the portal.
        QTRY_VERIFY_WITH_TIMEOUT(theme.isDark(), 5000);
        QVERIFY(m_portal.reads >= 1);
        QCOMPARE(dark.count(), 1);
        QVERIFY(QGuiApplication::palette().color(QPalette::Window).lightness() < 60);

        // The desktop switches to light.
        Q_EMIT m_portal.SettingChanged(QStringLiteral("org.freedesktop.appearance"), QStringLiteral("color-scheme"), QDBusVariant(2u));
        QTRY_VERIFY_WITH_TIMEOUT(!theme.isDark(), 5000);
        QCOMPARE(dark.count(), 2);
        // Other settings are ignored.
        Q_EMIT m_portal.SettingChanged(QStringLiteral("org.freedesktop.appearance"), QStringLiteral("accent-color"), QDBusVariant(1u));
        Q_EMIT m_portal.SettingChanged(QStringLiteral("org.gnome.desktop.interface"), QStringLiteral("color-scheme"), QDBusVariant(1u));
        QTest::qWait(200);
        QVERIFY(!theme.isDark());
        // An explicit theme wins over the portal.
        theme.setTheme(Settings::Theme::Dark);
        Q_EMIT m_portal.SettingChanged(QStringLiteral("org.freedesktop.appearance"), QStringLiteral("color-scheme"), QDBusVariant(2u));
        QTest::qWait(200);
        QVERIFY(theme.isDark());
    }
};

QTEST_MAIN(TestThemePortal)
#include "tst_themeportal.moc"
