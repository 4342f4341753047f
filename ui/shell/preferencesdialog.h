#pragma once
// Edit › Preferences (Ctrl+,): theme, language and the git commit author,
// written to the typed Settings when accepted.

#include "settings.h"

#include <QDialog>

class QComboBox;
class QLineEdit;

namespace osh::ui {

class PreferencesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PreferencesDialog(Settings *settings, QWidget *parent = nullptr);

    // Writes the edited values to the settings (what OK does).
    void apply();

private:
    Settings *m_settings;
    QComboBox *m_theme;
    QComboBox *m_language;
    QLineEdit *m_authorName;
    QLineEdit *m_authorEmail;
};

} // namespace osh::ui
