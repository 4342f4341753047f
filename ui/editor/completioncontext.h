#pragma once
// What may be typed at a cursor in policy YAML: keys of the mapping the
// cursor is in (its path derived from indentation), enum values, declared
// tool names, PII types, or condition variables and functions. Pure text
// logic, no widgets, so every cursor position can be unit-tested.

#include <QList>
#include <QString>
#include <QStringList>

namespace osh::ui {

class CompletionContext
{
public:
    enum class Kind { None, Key, EnumValue, ToolName, PiiType, Condition };
    // Values double as the editor's registered image ids.
    enum class ItemKind { Key = 1, Value, Tool, PiiType, Variable, Function };
    struct Item
    {
        QString text;
        ItemKind kind;
        friend bool operator==(const Item &, const Item &) = default;
    };

    // line is 0-based; column is a UTF-16 index into that line.
    static CompletionContext analyze(const QString &text, int line, int column);

    Kind kind() const { return m_kind; }
    // The mapping's path, e.g. "", "sandbox", "network.rules[]", "policies[]".
    const QString &path() const { return m_path; }
    // The key whose value is being typed (empty for key completion).
    const QString &key() const { return m_key; }
    // The partial word before the cursor that a completion replaces.
    const QString &prefix() const { return m_prefix; }
    // Candidates that start with prefix().
    const QList<Item> &items() const { return m_items; }
    QStringList texts() const;

private:
    void addItem(const QString &text, ItemKind kind);

    Kind m_kind = Kind::None;
    QString m_path;
    QString m_key;
    QString m_prefix;
    QList<Item> m_items;
};

} // namespace osh::ui
