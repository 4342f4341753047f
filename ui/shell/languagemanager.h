#pragma once
// Loads the studio's translation (the German .qm compiled into the
// resources under :/i18n) and Qt's own where installed. The language is
// chosen at start; a change in the preferences is saved and applies on the
// next start (the pages build their texts once, so live retranslation would
// leave half the window in the old language): the main window says so in its
// message bar.

#include "settings.h"

#include <QLocale>
#include <QObject>

class QTranslator;

namespace osh::ui {

class LanguageManager : public QObject
{
    Q_OBJECT

public:
    explicit LanguageManager(QObject *parent = nullptr);
    ~LanguageManager() override;

    // The locale a setting stands for (System: the system's UI language if
    // a translation for it exists, else English).
    static QLocale localeFor(Settings::Language language);

    // Installs the translators for `language` on the application, replacing
    // earlier ones. Returns false when the language needs a translation that
    // could not be loaded (English always succeeds).
    bool install(Settings::Language language);

    // "de", "en": the language in effect.
    QString activeLanguage() const { return m_active; }

private:
    void removeAll();

    QList<QTranslator *> m_translators;
    QString m_active = QStringLiteral("en");
};

} // namespace osh::ui
