#include "editor/completioncontext.h"

#include "condition/condition.h"
#include "model/policy.h"
#include "model/policyloader.h"
#include "model/trigger.h"
#include "pii/piitype.h"

#include <optional>

namespace osh::ui {

namespace {

// One line of block YAML as far as structure goes.
struct LineInfo
{
    bool blank = true; // blank or comment-only
    int indent = 0;    // leading spaces
    int keyIndent = 0; // after any "- " item markers
    bool dash = false;
    QString key;   // set when the line reads "key:" (after the markers)
    QString value; // what follows "key:", trimmed, comment stripped
};

QString stripComment(QString v)
{
    // A '#' only starts a comment after whitespace (YAML), and not in quotes.
    QChar quote;
    for (int i = 0; i < v.size(); ++i) {
        const QChar c = v[i];
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            quote = c;
        } else if (c == QLatin1Char('#') && (i == 0 || v[i - 1] == QLatin1Char(' '))) {
            v.truncate(i);
            break;
        }
    }
    return v.trimmed();
}

QString unquote(const QString &v)
{
    if (v.size() >= 2 && (v.front() == QLatin1Char('"') || v.front() == QLatin1Char('\'')) && v.back() == v.front())
        return v.mid(1, v.size() - 2);
    return v;
}

LineInfo parseLine(QStringView s)
{
    LineInfo li;
    int i = 0;
    while (i < s.size() && s[i] == QLatin1Char(' '))
        ++i;
    li.indent = li.keyIndent = i;
    if (i >= s.size() || s[i] == QLatin1Char('#'))
        return li;
    li.blank = false;
    while (i < s.size() && s[i] == QLatin1Char('-') && (i + 1 == s.size() || s[i + 1] == QLatin1Char(' '))) {
        li.dash = true;
        ++i;
        while (i < s.size() && s[i] == QLatin1Char(' '))
            ++i;
    }
    li.keyIndent = i;
    for (int j = i; j < s.size(); ++j) {
        const QChar c = s[j];
        if (c == QLatin1Char(':') && (j + 1 == s.size() || s[j + 1] == QLatin1Char(' '))) {
            li.key = s.mid(i, j - i).toString();
            li.value = stripComment(s.mid(j + 1).toString());
            break;
        }
        if (c == QLatin1Char(' ') || c == QLatin1Char('{') || c == QLatin1Char('[') || c == QLatin1Char('"')
            || c == QLatin1Char('\'') || c == QLatin1Char('#'))
            break;
    }
    return li;
}

bool isWordChar(QChar c, bool dash, bool dot)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_') || (dash && c == QLatin1Char('-'))
        || (dot && c == QLatin1Char('.'));
}

QString trailingWord(const QString &before, bool dash, bool dot)
{
    int i = before.size();
    while (i > 0 && isWordChar(before[i - 1], dash, dot))
        --i;
    return before.mid(i);
}

std::optional<PolicyLoader::Section> sectionOfPath(const QString &path)
{
    using S = PolicyLoader::Section;
    static const std::pair<const char *, S> kSections[] = {
        {"", S::Root},
        {"sandbox", S::Sandbox},
        {"network", S::Network},
        {"network.rules[]", S::EgressRule},
        {"filesystem", S::Filesystem},
        {"filesystem.rules[]", S::AccessRule},
        {"policies[]", S::Policy},
        {"tools[]", S::Tool},
        {"agent", S::Agent},
    };
    for (const auto &[name, section] : kSections)
        if (path == QLatin1String(name))
            return section;
    return std::nullopt;
}

template<typename Enum, typename NameFn>
QStringList enumNames(int count, NameFn name)
{
    QStringList out;
    for (int i = 0; i < count; ++i) {
        const std::string_view n = name(static_cast<Enum>(i));
        out << QString::fromUtf8(n.data(), static_cast<qsizetype>(n.size()));
    }
    return out;
}

QStringList enumValuesOf(const QString &key)
{
    if (key == QLatin1String("isolation"))
        return enumNames<Isolation>(3, isolationName);
    if (key == QLatin1String("cleanup_policy"))
        return enumNames<CleanupPolicy>(3, cleanupPolicyName);
    if (key == QLatin1String("default_policy"))
        return enumNames<DefaultPolicy>(2, defaultPolicyName);
    if (key == QLatin1String("protocol"))
        return enumNames<Protocol>(4, protocolName);
    if (key == QLatin1String("permissions"))
        return enumNames<Permission>(3, permissionName);
    if (key == QLatin1String("trigger"))
        return enumNames<Trigger>(kTriggerCount, triggerName);
    if (key == QLatin1String("action"))
        return enumNames<Action>(6, actionName);
    if (key == QLatin1String("log_level"))
        return enumNames<LogLevel>(4, logLevelName);
    static const char *const kBoolKeys[] = {"tls_required",       "block_private_ranges",   "dns_filtering",
                                            "strict_path_validation", "audit_all_operations", "block_symlinks",
                                            "allow_network",      "allow_filesystem"};
    for (const char *b : kBoolKeys)
        if (key == QLatin1String(b))
            return {QStringLiteral("true"), QStringLiteral("false")};
    return {};
}

// Names of the items of the top-level `tools:` sequence.
QStringList declaredTools(const QStringList &lines)
{
    QStringList out;
    int l = 0;
    for (; l < lines.size(); ++l) {
        const LineInfo li = parseLine(lines[l]);
        if (!li.blank && li.indent == 0 && !li.dash && li.key == QLatin1String("tools"))
            break;
    }
    int itemKeyIndent = -1;
    for (++l; l < lines.size(); ++l) {
        const LineInfo li = parseLine(lines[l]);
        if (li.blank)
            continue;
        if (li.keyIndent == 0)
            break;
        if (li.dash && itemKeyIndent < 0)
            itemKeyIndent = li.keyIndent;
        if (li.key == QLatin1String("name") && li.keyIndent == itemKeyIndent && !li.value.isEmpty())
            out << unquote(li.value);
    }
    return out;
}

// The `trigger:` of the sequence item starting at itemLine, if written.
std::optional<Trigger> triggerOfItem(const QStringList &lines, int itemLine)
{
    const LineInfo item = parseLine(lines[itemLine]);
    auto parse = [](const QString &v) { return triggerFromName(unquote(v).toStdString()); };
    if (item.key == QLatin1String("trigger"))
        return parse(item.value);
    for (int l = itemLine + 1; l < lines.size(); ++l) {
        const LineInfo li = parseLine(lines[l]);
        if (li.blank)
            continue;
        if (li.keyIndent < item.keyIndent || (li.dash && li.indent <= item.indent))
            break;
        if (li.keyIndent == item.keyIndent && !li.dash && li.key == QLatin1String("trigger"))
            return parse(li.value);
    }
    return std::nullopt;
}

// The key written just before position pos ("key: [" -> "key").
QString keyBefore(const QString &s, int pos)
{
    int i = pos;
    while (i > 0 && s[i - 1] == QLatin1Char(' '))
        --i;
    if (i == 0 || s[i - 1] != QLatin1Char(':'))
        return {};
    const int end = --i;
    while (i > 0 && isWordChar(s[i - 1], true, false))
        --i;
    return s.mid(i, end - i);
}

} // namespace

QStringList CompletionContext::texts() const
{
    QStringList out;
    for (const auto &i : m_items)
        out << i.text;
    return out;
}

void CompletionContext::addItem(const QString &text, ItemKind kind)
{
    if (text.startsWith(m_prefix) && !m_items.contains(Item{text, kind}))
        m_items.append({text, kind});
}

CompletionContext CompletionContext::analyze(const QString &text, int line, int column)
{
    CompletionContext ctx;
    const QStringList lines = text.split(QLatin1Char('\n'));
    if (line < 0 || line >= lines.size())
        return ctx;
    const QString before = lines[line].left(std::max(0, column));
    const LineInfo cur = parseLine(before);
    if (cur.indent < before.size() && before[cur.indent] == QLatin1Char('#'))
        return ctx; // in a comment

    // Walk up through the parents: each shallower key is a path segment and
    // each "- " item holding the cursor's mapping an "[]".
    QStringList segs;
    int itemLine = -1;
    int need = cur.keyIndent;
    bool allowEqual = false;
    if (cur.dash) {
        segs << QStringLiteral("[]");
        itemLine = line;
        need = cur.indent;
        allowEqual = true;
    }
    for (int l = line - 1; l >= 0 && (need > 0 || allowEqual); --l) {
        const LineInfo li = parseLine(lines[l]);
        if (li.blank)
            continue;
        if (!allowEqual && li.dash && li.keyIndent == need) {
            segs << QStringLiteral("[]");
            if (itemLine < 0)
                itemLine = l;
            need = li.indent;
            allowEqual = true;
        } else if (li.keyIndent < need || (allowEqual && li.keyIndent == need && !li.dash)) {
            if (li.key.isEmpty())
                return ctx; // not a mapping we understand
            segs << li.key;
            if (li.dash) {
                segs << QStringLiteral("[]");
                if (itemLine < 0)
                    itemLine = l;
                need = li.indent;
                allowEqual = true;
            } else {
                need = li.keyIndent;
                allowEqual = false;
            }
        }
    }
    for (auto it = segs.crbegin(); it != segs.crend(); ++it) {
        if (*it == QLatin1String("[]"))
            ctx.m_path += *it;
        else
            ctx.m_path += (ctx.m_path.isEmpty() ? QString() : QStringLiteral(".")) + *it;
    }

    // Flow collections on this line: the innermost unclosed '[' or '{'.
    const QString rest = before.mid(cur.keyIndent);
    QList<int> openers;
    int segStart = 0; // start of the current entry of the innermost flow map
    QChar quote;
    for (int i = 0; i < rest.size(); ++i) {
        const QChar c = rest[i];
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            quote = c;
        } else if (c == QLatin1Char('[') || c == QLatin1Char('{')) {
            openers << i;
            segStart = i + 1;
        } else if ((c == QLatin1Char(']') || c == QLatin1Char('}')) && !openers.isEmpty()) {
            openers.removeLast();
        } else if (c == QLatin1Char(',')) {
            segStart = i + 1;
        }
    }
    if (!quote.isNull() && !cur.key.isEmpty() && cur.key != QLatin1String("condition"))
        return ctx; // inside a quoted scalar

    QString key;
    QString entry; // what is typed of the current entry before the cursor
    bool keyPosition = false;
    if (openers.isEmpty()) {
        key = cur.key;
        keyPosition = key.isEmpty();
        entry = keyPosition ? rest : cur.value;
    } else if (rest[openers.last()] == QLatin1Char('[')) {
        key = keyBefore(rest, openers.last());
        entry = rest.mid(segStart).trimmed();
    } else {
        if (openers.last() > 0) {
            const QString owner = keyBefore(rest, openers.last());
            if (owner.isEmpty())
                return ctx;
            ctx.m_path += (ctx.m_path.isEmpty() ? QString() : QStringLiteral(".")) + owner;
        }
        const QString e = rest.mid(segStart);
        const int colon = e.indexOf(QLatin1String(": "));
        keyPosition = colon < 0;
        if (!keyPosition) {
            key = e.left(colon).trimmed();
            entry = e.mid(colon + 2).trimmed();
        } else {
            entry = e.trimmed();
        }
    }

    if (keyPosition) {
        ctx.m_prefix = trailingWord(before, false, false);
        if (ctx.m_path.endsWith(QLatin1String("pii_types[]"))) {
            ctx.m_kind = Kind::PiiType;
            for (auto n : pii::allTypeNames())
                ctx.addItem(QString::fromUtf8(n.data(), static_cast<qsizetype>(n.size())), ItemKind::PiiType);
            return ctx;
        }
        const auto section = sectionOfPath(ctx.m_path);
        if (!section || entry != ctx.m_prefix)
            return ctx;
        ctx.m_kind = Kind::Key;
        for (auto k : PolicyLoader::keysOf(*section))
            ctx.addItem(QString::fromUtf8(k.data(), static_cast<qsizetype>(k.size())), ItemKind::Key);
        return ctx;
    }

    ctx.m_key = key;
    if (key == QLatin1String("condition")) {
        ctx.m_kind = Kind::Condition;
        ctx.m_prefix = trailingWord(before, false, true);
        std::optional<Trigger> trigger;
        if (itemLine >= 0 && ctx.m_path == QLatin1String("policies[]"))
            trigger = triggerOfItem(lines, itemLine);
        for (const auto &v : allVars())
            if (!trigger || triggerProvides(*trigger, v.var))
                ctx.addItem(QString::fromUtf8(v.name.data(), static_cast<qsizetype>(v.name.size())),
                            ItemKind::Variable);
        for (const auto &f : cond::builtinFunctions())
            ctx.addItem(QString::fromUtf8(f.name.data(), static_cast<qsizetype>(f.name.size())), ItemKind::Function);
        return ctx;
    }
    const bool inFlowSeq = !openers.isEmpty() && rest[openers.last()] == QLatin1Char('[');
    if (key == QLatin1String("pii_types") && inFlowSeq) {
        ctx.m_kind = Kind::PiiType;
        ctx.m_prefix = trailingWord(before, false, false);
        if (entry != ctx.m_prefix)
            return ctx;
        for (auto n : pii::allTypeNames())
            ctx.addItem(QString::fromUtf8(n.data(), static_cast<qsizetype>(n.size())), ItemKind::PiiType);
        return ctx;
    }
    if (inFlowSeq)
        return ctx;
    if (key == QLatin1String("tool") && ctx.m_path == QLatin1String("network.rules[]")) {
        ctx.m_prefix = trailingWord(before, false, false);
        if (entry != ctx.m_prefix)
            return ctx;
        ctx.m_kind = Kind::ToolName;
        for (const auto &t : declaredTools(lines))
            ctx.addItem(t, ItemKind::Tool);
        return ctx;
    }
    const QStringList values = enumValuesOf(key);
    ctx.m_prefix = trailingWord(before, true, false);
    if (values.isEmpty() || entry != ctx.m_prefix)
        return ctx;
    ctx.m_kind = Kind::EnumValue;
    for (const auto &v : values)
        ctx.addItem(v, ItemKind::Value);
    return ctx;
}

} // namespace osh::ui
