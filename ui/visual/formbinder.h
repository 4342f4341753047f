#pragma once
// Binds form fields (line edits and choice boxes) to keys of one mapping of
// the policy document, e.g. `sandbox` or `policies[2]`. A field shows what
// the text says (the default, greyed, when the key is absent); a committed
// change becomes a minimal text edit; clearing a field or choosing
// "default" removes the key. Refreshing never overwrites a field the user is
// typing in. Fields whose source holds a diagnostic get a red frame and the
// messages as tooltip.

#include "visualstate.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

class QComboBox;
class QFormLayout;
class QLineEdit;
class QWidget;

namespace osh::ui {

class FormBinder : public QObject
{
    Q_OBJECT

public:
    enum class Kind { Text, Plain, TextList };

    FormBinder(QFormLayout *layout, edit::Path prefix, QObject *parent = nullptr);

    void setApplier(EditApplier applier) { m_apply = std::move(applier); }
    void setPrefix(edit::Path prefix);
    const edit::Path &prefix() const { return m_prefix; }

    QLineEdit *addLine(const QString &key, const QString &label, Kind kind, const QString &defaultText = {});
    // choices: the allowed words; the first entry of the box stands for
    // "not written" and shows the default.
    QComboBox *addChoice(const QString &key, const QString &label, const QStringList &choices,
                         const QString &defaultText);

    void setState(std::shared_ptr<const VisualState> state);
    QWidget *field(const QString &key) const;
    // The diagnostics text shown on a field (empty when none).
    QString problemsOf(const QString &key) const;

private:
    struct Field
    {
        QString key;
        Kind kind = Kind::Text;
        QString defaultText;
        QPointer<QLineEdit> line;
        QPointer<QComboBox> choice;
        QString problems;
    };
    edit::Path pathOf(const QString &key) const;
    void refreshField(Field &f);
    void commitLine(const QString &key);
    void commitChoice(const QString &key);
    Field *find(const QString &key);

    QFormLayout *m_layout;
    edit::Path m_prefix;
    std::vector<Field> m_fields;
    std::shared_ptr<const VisualState> m_state;
    EditApplier m_apply;
};

} // namespace osh::ui
