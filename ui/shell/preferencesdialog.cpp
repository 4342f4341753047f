#include "preferencesdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace osh::ui {

PreferencesDialog::PreferencesDialog(Settings *settings, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_theme(new QComboBox(this))
    , m_language(new QComboBox(this))
    , m_authorName(new QLineEdit(this))
    , m_authorEmail(new QLineEdit(this))
{
    setWindowTitle(tr("Preferences"));
    auto *layout = new QVBoxLayout(this);

    auto *appearance = new QGroupBox(tr("Appearance"), this);
    auto *appearanceLayout = new QVBoxLayout(appearance);
    auto *form = new QFormLayout;
    appearanceLayout->addLayout(form);
    m_theme->setObjectName(QStringLiteral("themeCombo"));
    m_theme->addItem(tr("Follow the system"), int(Settings::Theme::System));
    m_theme->addItem(tr("Light"), int(Settings::Theme::Light));
    m_theme->addItem(tr("Dark"), int(Settings::Theme::Dark));
    m_theme->setCurrentIndex(m_theme->findData(int(settings->theme())));
    form->addRow(tr("&Theme:"), m_theme);
    m_language->setObjectName(QStringLiteral("languageCombo"));
    m_language->addItem(tr("System language"), int(Settings::Language::System));
    m_language->addItem(QStringLiteral("English"), int(Settings::Language::English));
    m_language->addItem(QStringLiteral("Deutsch"), int(Settings::Language::German));
    m_language->setCurrentIndex(m_language->findData(int(settings->language())));
    form->addRow(tr("&Language:"), m_language);
    // A form row with a word-wrapped label gets clipped; its own row is not.
    auto *note = new QLabel(tr("A new language applies when the studio starts again."), appearance);
    note->setWordWrap(true);
    appearanceLayout->addWidget(note);
    layout->addWidget(appearance);

    auto *git = new QGroupBox(tr("Policy history (git)"), this);
    auto *gitForm = new QFormLayout(git);
    m_authorName->setObjectName(QStringLiteral("authorName"));
    m_authorName->setText(settings->authorName());
    gitForm->addRow(tr("Author &name:"), m_authorName);
    m_authorEmail->setObjectName(QStringLiteral("authorEmail"));
    m_authorEmail->setText(settings->authorEmail());
    gitForm->addRow(tr("Author &email:"), m_authorEmail);
    layout->addWidget(git);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

void PreferencesDialog::apply()
{
    m_settings->setTheme(static_cast<Settings::Theme>(m_theme->currentData().toInt()));
    m_settings->setLanguage(static_cast<Settings::Language>(m_language->currentData().toInt()));
    m_settings->setAuthorName(m_authorName->text());
    m_settings->setAuthorEmail(m_authorEmail->text());
}

} // namespace osh::ui
