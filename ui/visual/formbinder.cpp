#include "formbinder.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>

namespace osh::ui {

namespace {

const QString kProblemStyle = QStringLiteral("border: 1px solid #d32f2f;");

} // namespace

FormBinder::FormBinder(QFormLayout *layout, edit::Path prefix, QObject *parent)
    : QObject(parent), m_layout(layout), m_prefix(std::move(prefix))
{
}

void FormBinder::setPrefix(edit::Path prefix)
{
    m_prefix = std::move(prefix);
    for (auto &f : m_fields) {
        if (f.line)
            f.line->setModified(false);
    }
    setState(m_state);
}

edit::Path FormBinder::pathOf(const QString &key) const
{
    auto p = m_prefix;
    p.emplace_back(key.toStdString());
    return p;
}

FormBinder::Field *FormBinder::find(const QString &key)
{
    for (auto &f : m_fields)
        if (f.key == key)
            return &f;
    return nullptr;
}

QLineEdit *FormBinder::addLine(const QString &key, const QString &label, Kind kind, const QString &defaultText)
{
    auto *line = new QLineEdit(m_layout->parentWidget());
    line->setObjectName(key);
    line->setClearButtonEnabled(true);
    if (!defaultText.isEmpty())
        line->setPlaceholderText(tr("default: %1").arg(defaultText));
    m_layout->addRow(label, line);
    Field f;
    f.key = key;
    f.kind = kind;
    f.defaultText = defaultText;
    f.line = line;
    m_fields.push_back(f);
    connect(line, &QLineEdit::editingFinished, this, [this, key] { commitLine(key); });
    return line;
}

QComboBox *FormBinder::addChoice(const QString &key, const QString &label, const QStringList &choices,
                                 const QString &defaultText)
{
    auto *box = new QComboBox(m_layout->parentWidget());
    box->setObjectName(key);
    box->addItem(defaultText.isEmpty() ? tr("(not set)") : tr("(default: %1)").arg(defaultText), QString());
    for (const auto &c : choices)
        box->addItem(c, c);
    m_layout->addRow(label, box);
    Field f;
    f.key = key;
    f.kind = Kind::Plain;
    f.defaultText = defaultText;
    f.choice = box;
    m_fields.push_back(f);
    connect(box, &QComboBox::activated, this, [this, key] { commitChoice(key); });
    return box;
}

QWidget *FormBinder::field(const QString &key) const
{
    for (const auto &f : m_fields)
        if (f.key == key)
            return f.line ? static_cast<QWidget *>(f.line) : static_cast<QWidget *>(f.choice);
    return nullptr;
}

QString FormBinder::problemsOf(const QString &key) const
{
    for (const auto &f : m_fields)
        if (f.key == key)
            return f.problems;
    return {};
}

void FormBinder::setState(std::shared_ptr<const VisualState> state)
{
    // A refresh can move the focus (a section gets disabled), whose commit
    // refreshes again: keep this state alive and stop once a newer one came.
    const auto keep = state;
    m_state = std::move(state);
    if (!keep || !keep->text.ok())
        return;
    for (auto &f : m_fields) {
        if (m_state != keep)
            return;
        refreshField(f);
    }
}

void FormBinder::refreshField(Field &f)
{
    const auto path = pathOf(f.key);
    QString text;
    bool written = false;
    if (const auto s = m_state->text.scalarAt(path)) {
        text = QString::fromStdString(*s);
        written = true;
    } else if (const auto l = m_state->text.listAt(path)) {
        QStringList parts;
        for (const auto &v : *l)
            parts << QString::fromStdString(v);
        text = parts.join(QStringLiteral(", "));
        written = true;
    }
    const auto diags = m_state->within(path);
    f.problems = describeDiagnostics(diags);
    QWidget *w = f.line ? static_cast<QWidget *>(f.line) : static_cast<QWidget *>(f.choice);
    if (!w)
        return;
    w->setStyleSheet(diags.empty() ? QString() : kProblemStyle);
    w->setToolTip(f.problems);
    if (f.line) {
        // Never overwrite what the user is typing.
        if (f.line->hasFocus() && f.line->isModified())
            return;
        if (f.line->text() != text) {
            const QSignalBlocker block(f.line);
            f.line->setText(text);
        }
        f.line->setModified(false);
    } else if (f.choice) {
        const QSignalBlocker block(f.choice);
        int i = written ? f.choice->findData(text) : 0;
        if (i < 0) { // a value the spec does not know: show it as written
            f.choice->addItem(text, text);
            i = f.choice->count() - 1;
        }
        f.choice->setCurrentIndex(i);
    }
}

void FormBinder::commitLine(const QString &key)
{
    Field *f = find(key);
    if (!f || !f->line || !m_state || !m_apply)
        return;
    if (!f->line->isModified())
        return;
    f->line->setModified(false);
    const QString text = f->line->text().trimmed();
    const auto path = pathOf(key);
    edit::EditResult r;
    if (text.isEmpty()) {
        r = m_state->text.removeKey(path);
    } else if (f->kind == Kind::TextList) {
        std::vector<edit::Value> items;
        for (const auto &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (!part.trimmed().isEmpty())
                items.push_back(edit::Value::string(part.trimmed().toStdString()));
        r = m_state->text.setValue(path, edit::Value::list(std::move(items)));
    } else if (f->kind == Kind::Plain) {
        r = m_state->text.setValue(path, edit::Value::plain(text.toStdString()));
        if (!r.ok()) // not a plain token: written as text, the validator explains what is wrong
            r = m_state->text.setValue(path, edit::Value::string(text.toStdString()));
    } else {
        r = m_state->text.setValue(path, edit::Value::string(text.toStdString()));
    }
    m_apply(r);
}

void FormBinder::commitChoice(const QString &key)
{
    Field *f = find(key);
    if (!f || !f->choice || !m_state || !m_apply)
        return;
    const QString value = f->choice->currentData().toString();
    const auto path = pathOf(key);
    m_apply(value.isEmpty() ? m_state->text.removeKey(path)
                            : m_state->text.setValue(path, edit::Value::plain(value.toStdString())));
}

} // namespace osh::ui
