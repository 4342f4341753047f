// Output forms of the semantic diff (terminal text, JSON) and the
// convenience that loads two policy texts before diffing them.

#include "diff/semanticdiff.h"

#include "model/policyloader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace osh::diff {

namespace {

std::string_view ansi(Effect e)
{
    switch (e) {
    case Effect::NewlyAllowed: return "\x1b[32m"; // green: more is allowed
    case Effect::NewlyBlocked: return "\x1b[31m"; // red
    case Effect::Looser: return "\x1b[33m";
    case Effect::Stricter: return "\x1b[36m";
    case Effect::Neutral: return "\x1b[2m";
    case Effect::Unknown: return "\x1b[35m";
    }
    return "";
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

QJsonObject posJson(SourcePos p)
{
    QJsonObject o;
    o.insert(QStringLiteral("line"), p.line);
    o.insert(QStringLiteral("column"), p.column);
    return o;
}

} // namespace

std::string formatSemanticDiff(const SemanticDiff &diff, bool colour)
{
    std::string out;
    if (diff.empty())
        return "No semantic changes.\n";
    bool first = true;
    Section current = Section::Document;
    for (const Change &c : diff.changes) {
        if (first || c.section != current) {
            if (!first)
                out += "\n";
            out += colour ? "\x1b[1m" + std::string(sectionName(c.section)) + "\x1b[0m\n" : std::string(sectionName(c.section)) + "\n";
            current = c.section;
            first = false;
        }
        out += "  ";
        if (colour)
            out += ansi(c.effect);
        out += "[";
        out += effectName(c.effect);
        out += "] ";
        out += c.sentence;
        if (colour)
            out += "\x1b[0m";
        if (c.afterPos.valid())
            out += " (line " + std::to_string(c.afterPos.line) + ")";
        out += "\n";
    }
    out += "\n" + diff.summary() + "\n";
    return out;
}

std::string semanticDiffJson(const SemanticDiff &diff)
{
    QJsonObject root;
    root.insert(QStringLiteral("summary"), q(diff.summary()));
    QJsonObject counts;
    for (int i = 0; i < kEffectCount; ++i) {
        const auto e = static_cast<Effect>(i);
        counts.insert(q(std::string(effectName(e))), diff.count(e));
    }
    root.insert(QStringLiteral("counts"), counts);
    QJsonArray changes;
    for (const Change &c : diff.changes) {
        QJsonObject o;
        o.insert(QStringLiteral("section"), q(std::string(sectionName(c.section))));
        o.insert(QStringLiteral("kind"), q(std::string(changeKindName(c.kind))));
        o.insert(QStringLiteral("effect"), q(std::string(effectName(c.effect))));
        o.insert(QStringLiteral("subject"), q(c.subject));
        if (!c.key.empty())
            o.insert(QStringLiteral("key"), q(c.key));
        o.insert(QStringLiteral("before"), c.before.empty() ? QJsonValue() : QJsonValue(q(c.before)));
        o.insert(QStringLiteral("after"), c.after.empty() ? QJsonValue() : QJsonValue(q(c.after)));
        o.insert(QStringLiteral("sentence"), q(c.sentence));
        o.insert(QStringLiteral("before_pos"), c.beforePos.valid() ? QJsonValue(posJson(c.beforePos)) : QJsonValue());
        o.insert(QStringLiteral("after_pos"), c.afterPos.valid() ? QJsonValue(posJson(c.afterPos)) : QJsonValue());
        changes.append(o);
    }
    root.insert(QStringLiteral("changes"), changes);
    return QJsonDocument(root).toJson(QJsonDocument::Compact).toStdString();
}

SemanticDiffResult semanticDiffTexts(std::string_view beforeText, const std::string &beforeFile, std::string_view afterText,
                                     const std::string &afterFile)
{
    SemanticDiffResult result;
    const LoadResult a = PolicyLoader::loadText(beforeText, beforeFile);
    const LoadResult b = PolicyLoader::loadText(afterText, afterFile);
    auto take = [&result](const LoadResult &r, const std::string &file) {
        for (Diagnostic d : r.diagnostics) {
            if (d.file.empty())
                d.file = file;
            result.diagnostics.push_back(std::move(d));
        }
    };
    take(a, beforeFile);
    take(b, afterFile);
    if (!a.document || !b.document || hasErrors(result.diagnostics))
        return result;
    result.diff = semanticDiff(*a.document, *b.document);
    return result;
}

} // namespace osh::diff
