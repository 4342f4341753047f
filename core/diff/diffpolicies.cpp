// The policies and PII sections of the semantic diff. Policies are keyed by
// name and decided first-match in document order per trigger, so a move can
// change which policy wins; the diff names each pair whose precedence
// flipped. A condition change is called broader or narrower only when that
// follows from the expressions' shape (an added "or" branch, a dropped "and"
// term, a constant); otherwise the effect is Unknown.

#include "diff/diffsections.h"

#include "condition/ast.h"
#include "condition/checker.h"
#include "condition/condition.h"
#include "condition/parser.h"
#include "condition/printer.h"
#include "condition/regexcache.h"
#include "pii/piitype.h"

#include <algorithm>
#include <map>
#include <set>

namespace osh::diff::detail {

namespace {

// ---- actions -------------------------------------------------------------

int actionRank(Action a)
{
    switch (a) {
    case Action::Allow:
    case Action::Log: return 0;
    case Action::Redact:
    case Action::Throttle: return 1;
    case Action::Escalate: return 2;
    case Action::Block: return 3;
    }
    return 0;
}

// >0: y is stricter than x; <0: looser; 0: as strict; nullopt: not comparable.
std::optional<int> compareActions(Action x, Action y)
{
    const int rx = actionRank(x);
    const int ry = actionRank(y);
    if (rx == 1 && ry == 1 && x != y)
        return std::nullopt; // redacting and delaying are different kinds of restriction
    return ry - rx;
}

bool goesAhead(Action a)
{
    return a == Action::Allow || a == Action::Log;
}

std::string outcomeText(Action a)
{
    switch (a) {
    case Action::Allow: return "allowed";
    case Action::Log: return "allowed (and logged)";
    case Action::Block: return "blocked";
    case Action::Redact: return "redacted";
    case Action::Throttle: return "delayed";
    case Action::Escalate: return "escalated to a human";
    }
    return "allowed";
}

// What the requests of a policy's trigger meet when they do not match it:
// the later policies of the same trigger (until one that always matches)
// and, after them, the implicit allow.
struct Alternative
{
    Action action;
    std::string name; // empty: the implicit allow
};

std::vector<Alternative> alternativesAfter(const PolicyDocument &d, size_t index)
{
    std::vector<Alternative> alts;
    const Trigger t = d.policies[index].trigger;
    for (size_t i = index + 1; i < d.policies.size(); ++i) {
        const Policy &p = d.policies[i];
        if (p.trigger != t)
            continue;
        std::vector<cond::ConditionDiagnostic> diags;
        const auto c = cond::Condition::compile(p.condition, t, pii::PiiTypeSet::all(), diags);
        if (c.constantValue() == false)
            continue;
        alts.push_back({p.action, p.name});
        if (c.constantValue() == true)
            return alts;
    }
    alts.push_back({Action::Allow, {}});
    return alts;
}

// The effect of a policy with action a deciding requests that used to reach
// the alternatives (it was added, or its condition now matches more).
Effect broaden(Action a, const std::vector<Alternative> &alts, std::string *why)
{
    bool stricter = false, looser = false, unknown = false, blockAlt = false;
    std::string blockers;
    for (const Alternative &alt : alts) {
        const auto cmp = compareActions(alt.action, a);
        if (!cmp)
            unknown = true;
        else if (*cmp > 0)
            stricter = true;
        else if (*cmp < 0)
            looser = true;
        if (alt.action == Action::Block) {
            blockAlt = true;
            blockers += (blockers.empty() ? "" : ", ") + quoted(alt.name);
        }
    }
    if (a == Action::Block && !blockAlt) {
        *why = "they are now blocked";
        return Effect::NewlyBlocked;
    }
    if (goesAhead(a) && blockAlt) {
        *why = "those that " + blockers + " would have blocked are now allowed";
        return Effect::NewlyAllowed;
    }
    if (unknown || (stricter && looser)) {
        *why = "they are now " + outcomeText(a) + " instead of meeting the later policies";
        return Effect::Unknown;
    }
    if (stricter) {
        *why = "they are now " + outcomeText(a) + ", which is stricter than what followed";
        return Effect::Stricter;
    }
    if (looser) {
        *why = "they are now " + outcomeText(a) + ", which is looser than what followed";
        return Effect::Looser;
    }
    *why = "the outcome is the same as before";
    return Effect::Neutral;
}

Effect invert(Effect e)
{
    switch (e) {
    case Effect::NewlyAllowed: return Effect::NewlyBlocked;
    case Effect::NewlyBlocked: return Effect::NewlyAllowed;
    case Effect::Looser: return Effect::Stricter;
    case Effect::Stricter: return Effect::Looser;
    default: return e;
    }
}

// Replacing action x by y for the same requests.
Effect actionEffect(Action x, Action y)
{
    const auto cmp = compareActions(x, y);
    if (!cmp)
        return Effect::Unknown;
    if (*cmp == 0)
        return Effect::Neutral;
    if (y == Action::Block)
        return Effect::NewlyBlocked;
    if (x == Action::Block && goesAhead(y))
        return Effect::NewlyAllowed;
    return *cmp > 0 ? Effect::Stricter : Effect::Looser;
}

// ---- conditions ----------------------------------------------------------

struct ConditionShape
{
    bool ok = false;
    std::string canonical;
    std::optional<bool> constant;
    bool usesPii = false;
    std::set<std::string> disjuncts; // top-level "or" branches (or the whole)
    std::set<std::string> conjuncts; // top-level "and" terms (or the whole)
};

ConditionShape shapeOf(const Policy &p)
{
    ConditionShape s;
    std::vector<cond::ConditionDiagnostic> diags;
    const auto c = cond::Condition::compile(p.condition, p.trigger, pii::PiiTypeSet::all(), diags);
    if (!c.isValid())
        return s;
    s.ok = true;
    s.canonical = c.canonical();
    s.constant = c.constantValue();
    s.usesPii = c.usesPii();
    // The same steps as compile(), kept here for the tree's top-level terms.
    cond::Program program;
    program.defaultPii = pii::PiiTypeSet::all();
    program.regexCache = std::make_shared<cond::RegexCache>();
    std::vector<cond::ConditionDiagnostic> more;
    if (!cond::Parser(p.condition, program, more).parse() || !cond::Checker(program, p.trigger, more).run()) {
        s.disjuncts = s.conjuncts = {s.canonical};
        return s;
    }
    const cond::Node &root = program.node(program.root);
    auto terms = [&](cond::Kind k) {
        std::set<std::string> out;
        if (root.kind == k && root.constant < 0) {
            for (std::int32_t i = 0; i < root.kidCount; ++i)
                out.insert(cond::Printer(program).render(program.kid(program.root, i)));
        } else {
            out.insert(s.canonical);
        }
        return out;
    };
    s.disjuncts = terms(cond::Kind::Or);
    s.conjuncts = terms(cond::Kind::And);
    return s;
}

bool subset(const std::set<std::string> &x, const std::set<std::string> &y)
{
    return std::includes(y.begin(), y.end(), x.begin(), x.end());
}

enum class Relation { Same, Broader, Narrower, Unknown };

Relation relate(const ConditionShape &x, const ConditionShape &y)
{
    if (!x.ok || !y.ok)
        return Relation::Unknown;
    if (x.canonical == y.canonical)
        return Relation::Same;
    if (y.constant == true || x.constant == false)
        return Relation::Broader;
    if (y.constant == false || x.constant == true)
        return Relation::Narrower;
    if (subset(x.disjuncts, y.disjuncts) || subset(y.conjuncts, x.conjuncts))
        return Relation::Broader;
    if (subset(y.disjuncts, x.disjuncts) || subset(x.conjuncts, y.conjuncts))
        return Relation::Narrower;
    return Relation::Unknown;
}

std::string conditionText(const Policy &p, const ConditionShape &s)
{
    return s.ok ? s.canonical : p.condition;
}

std::string piiText(const std::optional<std::vector<std::string>> &types)
{
    return types ? listText(*types) : std::string("all");
}

std::set<std::string> piiSet(const std::optional<std::vector<std::string>> &types)
{
    if (!types) {
        std::set<std::string> all;
        for (auto n : pii::allTypeNames())
            all.insert(std::string(n));
        return all;
    }
    return {types->begin(), types->end()};
}

// ---- the walk ------------------------------------------------------------

struct Walk
{
    const PolicyDocument &a;
    const PolicyDocument &b;
    std::vector<Change> &out;

    SourcePos policiesPos() const { return b.loc.has("policies") ? b.loc.valuePos("policies") : b.loc.pos; }

    void push(Section s, ChangeKind k, Effect e, const std::string &name, std::string key, std::string before, std::string after,
              std::string sentence, SourcePos bp, SourcePos ap)
    {
        Change c;
        c.section = s;
        c.kind = k;
        c.effect = e;
        c.subject = "policy " + quoted(name);
        c.key = std::move(key);
        c.before = std::move(before);
        c.after = std::move(after);
        c.sentence = std::move(sentence);
        c.beforePos = bp;
        c.afterPos = ap;
        out.push_back(std::move(c));
    }

    static std::string describe(const Policy &p, const ConditionShape &s)
    {
        return "on " + std::string(triggerName(p.trigger)) + ", when " + conditionText(p, s) + ", "
            + std::string(actionName(p.action));
    }

    void removed(size_t i)
    {
        const Policy &p = a.policies[i];
        const ConditionShape s = shapeOf(p);
        std::string why;
        Effect e = invert(broaden(p.action, alternativesAfter(a, i), &why));
        if (s.constant == false)
            e = Effect::Neutral;
        std::string consequence;
        if (e == Effect::NewlyAllowed)
            consequence = "the requests it blocked now reach the later policies or go ahead";
        else if (e == Effect::Neutral)
            consequence = "decisions do not change";
        else
            consequence = "the requests it decided now meet the later policies instead";
        push(Section::Policies, ChangeKind::Removed, e, p.name, {}, describe(p, s), {},
             "Removed policy " + quoted(p.name) + " (" + describe(p, s) + "); " + consequence + ".", p.loc.pos, policiesPos());
    }

    void added(size_t j)
    {
        const Policy &p = b.policies[j];
        const ConditionShape s = shapeOf(p);
        std::string why;
        Effect e = broaden(p.action, alternativesAfter(b, j), &why);
        if (s.constant == false) {
            e = Effect::Neutral;
            why = "its condition is always false, so it never decides";
        }
        push(Section::Policies, ChangeKind::Added, e, p.name, {}, {}, describe(p, s),
             "Added policy " + quoted(p.name) + " at position " + std::to_string(j + 1) + " (" + describe(p, s)
                 + "); of the requests it matches (unless an earlier policy decides them), " + why + ".",
             {}, p.loc.pos);
    }

    void changed(size_t i, size_t j)
    {
        const Policy &x = a.policies[i];
        const Policy &y = b.policies[j];
        const std::string subject = "Policy " + quoted(y.name);
        auto field = [&](Section s, std::string_view key, Effect e, std::string before, std::string after, std::string meaning) {
            push(s, ChangeKind::Changed, e, y.name, std::string(key), before, after,
                 subject + ": " + std::string(key) + " changed from " + before + " to " + after
                     + (meaning.empty() ? "." : "; " + meaning + "."),
                 x.loc.has(key) ? x.loc.valuePos(key) : x.loc.pos, y.loc.has(key) ? y.loc.valuePos(key) : y.loc.pos);
        };
        if (x.trigger != y.trigger)
            field(Section::Policies, "trigger", Effect::Unknown, std::string(triggerName(x.trigger)), std::string(triggerName(y.trigger)),
                  "it now decides " + std::string(triggerName(y.trigger)) + " requests instead of "
                      + std::string(triggerName(x.trigger)) + " ones");
        if (x.action != y.action) {
            const Effect e = actionEffect(x.action, y.action);
            field(Section::Policies, "action", e, std::string(actionName(x.action)), std::string(actionName(y.action)),
                  "requests it matches are now " + outcomeText(y.action) + " instead of " + outcomeText(x.action));
        }
        const ConditionShape sx = shapeOf(x);
        const ConditionShape sy = shapeOf(y);
        if (x.condition != y.condition) {
            const Relation r = x.trigger == y.trigger ? relate(sx, sy) : Relation::Unknown;
            std::string why;
            Effect e = Effect::Unknown;
            std::string meaning;
            switch (r) {
            case Relation::Same:
                e = Effect::Neutral;
                meaning = "the same expression, written differently";
                break;
            case Relation::Broader:
                e = broaden(y.action, alternativesAfter(b, j), &why);
                meaning = "it now matches at least the requests it matched before; of those it newly matches, " + why;
                break;
            case Relation::Narrower:
                e = invert(broaden(y.action, alternativesAfter(b, j), &why));
                meaning = "it now matches at most the requests it matched before; those it no longer matches meet the later policies";
                break;
            case Relation::Unknown:
                meaning = "changed; effect depends on the condition";
                break;
            }
            field(Section::Policies, "condition", e, conditionText(x, sx), conditionText(y, sy), meaning);
        }
        if (x.message != y.message)
            field(Section::Policies, "message", Effect::Neutral, quoted(x.message), quoted(y.message), {});
        if (x.logLevel != y.logLevel)
            field(Section::Policies, "log_level", Effect::Neutral, std::string(logLevelName(x.logLevel)),
                  std::string(logLevelName(y.logLevel)), {});
        if (x.escalation != y.escalation)
            field(Section::Policies, "escalation", Effect::Neutral, quoted(x.escalation), quoted(y.escalation),
                  "review items go to another queue");
        if (x.delaySeconds != y.delaySeconds) {
            const Effect e = y.action != Action::Throttle ? Effect::Neutral
                : limitEffect(x.delaySeconds, y.delaySeconds) == Effect::Looser ? Effect::Stricter // a longer delay is stricter
                : limitEffect(x.delaySeconds, y.delaySeconds) == Effect::Stricter ? Effect::Looser
                                                                                   : Effect::Neutral;
            field(Section::Policies, "delay_seconds", e, x.delaySeconds ? numberText(*x.delaySeconds) : "none",
                  y.delaySeconds ? numberText(*y.delaySeconds) : "none", {});
        }
        if (x.piiTypes != y.piiTypes) {
            const auto px = piiSet(x.piiTypes);
            const auto py = piiSet(y.piiTypes);
            Effect e = Effect::Unknown;
            std::string meaning = "changed; effect depends on the condition";
            if (px == py) {
                e = Effect::Neutral;
                meaning = "the same types";
            } else if (y.action == Action::Redact && subset(px, py)) {
                e = Effect::Stricter;
                meaning = "more kinds of PII are redacted";
            } else if (y.action == Action::Redact && subset(py, px)) {
                e = Effect::Looser;
                meaning = "fewer kinds of PII are redacted";
            } else if (y.action != Action::Redact && sy.ok && !sy.usesPii) {
                e = Effect::Neutral;
                meaning = "the condition calls no PII function, so decisions do not change";
            }
            field(Section::Pii, "pii_types", e, piiText(x.piiTypes), piiText(y.piiTypes), meaning);
        }
    }

    void moves(const std::vector<std::pair<size_t, size_t>> &common)
    {
        // common: (old index, new index) in new order.
        std::vector<int> order;
        for (const auto &[i, j] : common)
            order.push_back(static_cast<int>(i));
        const std::vector<bool> stable = stableInOrder(order);
        for (size_t k = 0; k < common.size(); ++k) {
            if (stable[k])
                continue;
            const auto [i, j] = common[k];
            const Policy &p = b.policies[j];
            push(Section::Policies, ChangeKind::Moved, Effect::Neutral, p.name, "position", std::to_string(i + 1),
                 std::to_string(j + 1),
                 "Moved policy " + quoted(p.name) + " from position " + std::to_string(i + 1) + " to " + std::to_string(j + 1) + ".",
                 a.policies[i].loc.pos, p.loc.pos);
        }
        // Each pair of the same trigger whose order flipped: the earlier now wins.
        for (size_t k = 0; k < common.size(); ++k)
            for (size_t l = k + 1; l < common.size(); ++l) {
                const auto [wi, wj] = common[k]; // now first
                const auto [li, lj] = common[l]; // now second
                if (wi < li)
                    continue; // order kept
                const Policy &w = b.policies[wj];
                const Policy &lo = b.policies[lj];
                if (w.trigger != lo.trigger || a.policies[wi].trigger != a.policies[li].trigger || w.trigger != a.policies[wi].trigger)
                    continue;
                const Effect e = actionEffect(lo.action, w.action);
                std::string sentence = "Policy " + quoted(w.name) + " now takes precedence over " + quoted(lo.name) + " ("
                    + std::string(triggerName(w.trigger)) + "): where both conditions match, requests ";
                sentence += w.action == lo.action ? "are still " + outcomeText(w.action) + " (now by " + quoted(w.name) + ")"
                                                  : "are now " + outcomeText(w.action) + " instead of " + outcomeText(lo.action);
                push(Section::Policies, ChangeKind::Consequence, e, w.name, "precedence", quoted(lo.name) + " first",
                     quoted(w.name) + " first", sentence + ".", a.policies[wi].loc.pos, w.loc.pos);
            }
    }
};

} // namespace

void diffPolicies(const PolicyDocument &a, const PolicyDocument &b, std::vector<Change> &out)
{
    Walk w{a, b, out};
    std::map<std::string, size_t> oldIndex;
    for (size_t i = 0; i < a.policies.size(); ++i)
        oldIndex.emplace(a.policies[i].name, i); // first of duplicated names (a validator error)
    std::set<size_t> seenOld;
    std::vector<std::pair<size_t, size_t>> common;
    for (size_t j = 0; j < b.policies.size(); ++j) {
        const auto it = oldIndex.find(b.policies[j].name);
        if (it != oldIndex.end() && seenOld.insert(it->second).second)
            common.emplace_back(it->second, j);
    }
    for (size_t i = 0; i < a.policies.size(); ++i)
        if (!seenOld.count(i))
            w.removed(i);
    std::set<size_t> commonNew;
    for (const auto &[i, j] : common)
        commonNew.insert(j);
    for (size_t j = 0; j < b.policies.size(); ++j)
        if (!commonNew.count(j))
            w.added(j);
    w.moves(common);
    for (const auto &[i, j] : common)
        if (!(a.policies[i] == b.policies[j]))
            w.changed(i, j);
}

} // namespace osh::diff::detail
