#include "thememanager.h"

#include <QApplication>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QEvent>
#include <QStyle>
#include <QStyleFactory>

namespace osh::ui {

namespace {

const QString kPortalService = QStringLiteral("org.freedesktop.portal.Desktop");
const QString kPortalPath = QStringLiteral("/org/freedesktop/portal/desktop");
const QString kPortalInterface = QStringLiteral("org.freedesktop.portal.Settings");
const QString kAppearance = QStringLiteral("org.freedesktop.appearance");
const QString kColorScheme = QStringLiteral("color-scheme");

bool isDarkPalette(const QPalette &p)
{
    return p.color(QPalette::Window).lightness() < 128;
}

// The portal wraps the value in one or two variants depending on its version.
std::optional<uint> unwrapScheme(QVariant v)
{
    while (v.canConvert<QDBusVariant>() && v.metaType() == QMetaType::fromType<QDBusVariant>())
        v = v.value<QDBusVariant>().variant();
    bool ok = false;
    const uint u = v.toUInt(&ok);
    return ok ? std::optional<uint>(u) : std::nullopt;
}

} // namespace

ThemeManager::ThemeManager(Settings::Theme theme, QObject *parent)
    : QObject(parent)
    , m_theme(theme)
    , m_platformPalette(QGuiApplication::palette())
{
    if (auto *fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);
    qApp->installEventFilter(this);
    auto bus = QDBusConnection::sessionBus();
    if (bus.isConnected()) {
        // The value comes from the message: QtDBus 6.4 refuses a slot with
        // a QDBusVariant parameter here (connect() returns false).
        bus.connect(kPortalService, kPortalPath, kPortalInterface, QStringLiteral("SettingChanged"), this,
                    SLOT(portalSettingChanged(QString,QString,QDBusMessage)));
        queryPortal();
    }
    apply();
}

ThemeManager::~ThemeManager()
{
    if (qApp)
        qApp->removeEventFilter(this);
}

void ThemeManager::queryPortal()
{
    auto msg = QDBusMessage::createMethodCall(kPortalService, kPortalPath, kPortalInterface, QStringLiteral("Read"));
    msg << kAppearance << kColorScheme;
    // Asynchronous: a missing portal must not delay the first window.
    auto *watcher = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(msg, 2000), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        w->deleteLater();
        const QDBusMessage reply = w->reply();
        if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
            return; // no portal or no such setting: the palette fallback stays
        if (const auto v = unwrapScheme(reply.arguments().constFirst()))
            setPortalColorScheme(*v);
    });
}

void ThemeManager::portalSettingChanged(const QString &ns, const QString &key, const QDBusMessage &message)
{
    if (ns != kAppearance || key != kColorScheme || message.arguments().size() < 3)
        return;
    if (const auto v = unwrapScheme(message.arguments().at(2)))
        setPortalColorScheme(*v);
}

void ThemeManager::setPortalColorScheme(uint value)
{
    // 0 is "no preference": fall back to the platform palette.
    m_portalScheme = value == 0 ? std::nullopt : std::optional<uint>(value);
    apply();
}

bool ThemeManager::systemPrefersDark() const
{
    if (m_portalScheme)
        return *m_portalScheme == 1;
    return isDarkPalette(m_platformPalette);
}

void ThemeManager::setTheme(Settings::Theme theme)
{
    m_theme = theme;
    apply();
}

void ThemeManager::apply()
{
    const bool dark = m_theme == Settings::Theme::Dark || (m_theme == Settings::Theme::System && systemPrefersDark());
    m_applying = true;
    const QPalette palette = dark ? darkPalette() : lightPalette();
    m_appliedWindow = palette.color(QPalette::Window);
    QApplication::setPalette(palette);
    m_applying = false;
    if (dark != m_dark) {
        m_dark = dark;
        Q_EMIT darkChanged(dark);
    }
}

bool ThemeManager::eventFilter(QObject *watched, QEvent *event)
{
    // A palette change we did not make comes from the platform (the desktop
    // switched themes): remember it and re-decide.
    // Qt re-resolves our palette against a new platform palette and sends
    // the event too; that one still has our window colour and is ignored.
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange && !m_applying
        && QGuiApplication::palette().color(QPalette::Window) != m_appliedWindow) {
        m_platformPalette = QGuiApplication::palette();
        if (m_theme == Settings::Theme::System && !m_portalScheme && isDarkPalette(m_platformPalette) != m_dark)
            apply();
    }
    return QObject::eventFilter(watched, event);
}

QPalette ThemeManager::lightPalette()
{
    QPalette p(QColor(0xef, 0xef, 0xef));
    p.setColor(QPalette::Window, QColor(0xf3, 0xf3, 0xf3));
    p.setColor(QPalette::WindowText, QColor(0x1f, 0x1f, 0x1f));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf5, 0xf5));
    p.setColor(QPalette::Text, QColor(0x1f, 0x1f, 0x1f));
    p.setColor(QPalette::Button, QColor(0xf0, 0xf0, 0xf0));
    p.setColor(QPalette::ButtonText, QColor(0x1f, 0x1f, 0x1f));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xdc));
    p.setColor(QPalette::ToolTipText, Qt::black);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Highlight, QColor(0x2a, 0x6f, 0xdb));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x1a, 0x5f, 0xc8));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0xa0, 0xa0, 0xa0));
    return p;
}

QPalette ThemeManager::darkPalette()
{
    QPalette p(QColor(0x3a, 0x3a, 0x3a));
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3c, 0x3c));
    p.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8a, 0x8a));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xe6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xa8, 0xff));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4a, 0x4a));
    p.setColor(QPalette::Midlight, QColor(0x40, 0x40, 0x40));
    p.setColor(QPalette::Mid, QColor(0x30, 0x30, 0x30));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1a));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x70, 0x70, 0x70));
    p.setColor(QPalette::Disabled, QPalette::Base, QColor(0x26, 0x26, 0x26));
    return p;
}

} // namespace osh::ui
