#pragma once
// An inline message bar above the main window's pages: errors (a file that
// cannot be opened or saved, a workspace that does not exist), warnings and
// notes are shown here instead of modal dialogs. Hidden when empty; closed by
// its button or a timeout (notes), or replaced by the next message.

#include <QFrame>

class QLabel;
class QTimer;
class QToolButton;

namespace osh::ui {

class MessageBar : public QFrame
{
    Q_OBJECT

public:
    enum class Kind { Information, Warning, Error };
    Q_ENUM(Kind)

    explicit MessageBar(QWidget *parent = nullptr);

    // Shows `text`; timeoutMs > 0 hides it after that long (for notes).
    void showMessage(Kind kind, const QString &text, int timeoutMs = 0);
    void showError(const QString &text) { showMessage(Kind::Error, text); }
    void showInformation(const QString &text, int timeoutMs = 0) { showMessage(Kind::Information, text, timeoutMs); }

    QString text() const;
    Kind kind() const { return m_kind; }

public Q_SLOTS:
    void dismiss();

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateColours();

    Kind m_kind = Kind::Information;
    bool m_updating = false;
    QLabel *m_icon;
    QLabel *m_text;
    QToolButton *m_close;
    QTimer *m_timer;
};

} // namespace osh::ui
