#include "languagemanager.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace osh::ui {

namespace {

const QString kResourceDir = QStringLiteral(":/i18n");

bool hasStudioTranslation(const QLocale &locale)
{
    QTranslator probe;
    return probe.load(locale, QStringLiteral("openshell"), QStringLiteral("_"), kResourceDir);
}

} // namespace

LanguageManager::LanguageManager(QObject *parent)
    : QObject(parent)
{
}

LanguageManager::~LanguageManager()
{
    removeAll();
}

QLocale LanguageManager::localeFor(Settings::Language language)
{
    switch (language) {
    case Settings::Language::English:
        return QLocale(QLocale::English, QLocale::UnitedStates);
    case Settings::Language::German:
        return QLocale(QLocale::German, QLocale::Germany);
    case Settings::Language::System:
        break;
    }
    for (const QString &name : QLocale::system().uiLanguages()) {
        const QLocale l(name);
        if (l.language() == QLocale::English)
            break;
        if (hasStudioTranslation(l))
            return l;
    }
    return QLocale(QLocale::English, QLocale::UnitedStates);
}

void LanguageManager::removeAll()
{
    for (QTranslator *t : std::as_const(m_translators)) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
    m_translators.clear();
}

bool LanguageManager::install(Settings::Language language)
{
    removeAll();
    const QLocale locale = localeFor(language);
    QLocale::setDefault(locale);
    m_active = QStringLiteral("en");
    if (locale.language() == QLocale::English)
        return true;

    auto *studio = new QTranslator(this);
    if (!studio->load(locale, QStringLiteral("openshell"), QStringLiteral("_"), kResourceDir)) {
        delete studio;
        return false;
    }
    QCoreApplication::installTranslator(studio);
    m_translators.append(studio);
    // Qt's and QScintilla's own texts (standard buttons, editor menus), when
    // their translations are installed on this system.
    const QString qtDir = QLibraryInfo::path(QLibraryInfo::TranslationsPath);
    for (const QString &name : {QStringLiteral("qtbase"), QStringLiteral("qscintilla")}) {
        auto *t = new QTranslator(this);
        if (t->load(locale, name, QStringLiteral("_"), qtDir)) {
            QCoreApplication::installTranslator(t);
            m_translators.append(t);
        } else {
            delete t;
        }
    }
    m_active = locale.name().left(2);
    return true;
}

} // namespace osh::ui
