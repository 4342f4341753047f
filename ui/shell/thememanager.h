#pragma once
// Light and dark palettes for the studio (Fusion style). In System mode it
// follows the desktop: the XDG desktop portal's color-scheme setting when a
// portal answers on the session bus (read at start, SettingChanged later),
// else the lightness of the palette the platform gave the application
// (re-read on ApplicationPaletteChange). Emits darkChanged when the effective
// scheme flips; the main window forwards it to the editor and the icons.

#include "settings.h"

#include <QObject>
#include <QPalette>

#include <optional>

#include <QDBusMessage>

namespace osh::ui {

class ThemeManager : public QObject
{
    Q_OBJECT

public:
    // Installs the Fusion style and the palette for `theme` on the
    // application. Create it after the QApplication.
    explicit ThemeManager(Settings::Theme theme, QObject *parent = nullptr);
    ~ThemeManager() override;

    Settings::Theme theme() const { return m_theme; }
    void setTheme(Settings::Theme theme);
    bool isDark() const { return m_dark; }

    // What the desktop prefers: the portal's answer when there is one, else
    // the platform palette's lightness.
    bool systemPrefersDark() const;

    static QPalette lightPalette();
    static QPalette darkPalette();

    // The portal's color-scheme value: 0 no preference, 1 prefer dark,
    // 2 prefer light. Called by the portal signal; public for tests.
    void setPortalColorScheme(uint value);

Q_SIGNALS:
    void darkChanged(bool dark);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private Q_SLOTS:
    void portalSettingChanged(const QString &ns, const QString &key, const QDBusMessage &message);

private:
    void queryPortal();
    void apply();

    Settings::Theme m_theme;
    bool m_dark = false;
    bool m_applying = false;
    QPalette m_platformPalette;
    QColor m_appliedWindow;
    std::optional<uint> m_portalScheme;
};

} // namespace osh::ui
