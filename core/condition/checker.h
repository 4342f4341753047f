#pragma once
// Static checks of a parsed condition against its trigger: resolves names to
// variable slots, infers types, validates calls (arity, regular expressions,
// PII type names) and folds constant subexpressions, rewriting the Program in
// place so evaluation needs no name lookups. Reports E071..E077 and W079.

#include "ast.h"
#include "builtins.h"
#include "statictype.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace osh::cond {

// "'s'": a name or value quoted in a diagnostic.
std::string quoted(std::string_view s);

class Checker
{
public:
    Checker(Program &program, Trigger trigger, std::vector<ConditionDiagnostic> &diagnostics);

    // False when an error (not a warning) was reported.
    bool run();

private:
    struct Result
    {
        SType type;
        bool ok = true; // no error in the subtree; only then may it be folded
    };

    Result check(std::int32_t n);
    Result checkName(std::int32_t n);
    Result checkMember(std::int32_t n);
    Result checkIndex(std::int32_t n);
    Result checkList(std::int32_t n);
    Result checkNeg(std::int32_t n);
    Result checkNot(std::int32_t n);
    Result checkArithmetic(std::int32_t n);
    Result checkEquality(std::int32_t n);
    Result checkOrdering(std::int32_t n);
    Result checkMembership(std::int32_t n);
    Result checkLogic(std::int32_t n);

    // checkercalls.cpp
    Result checkCall(std::int32_t n);
    bool checkCallArguments(std::int32_t n, Func f, const std::vector<Result> &args);
    bool checkPiiTypes(std::int32_t n, std::int32_t listNode, SType listType);
    bool checkRegex(std::int32_t n, std::int32_t patternNode, SType patternType);

    Result resolveVar(std::int32_t n, Var v);
    bool resolveNamespaceMember(std::int32_t n, Result &out);
    void setPath(std::int32_t n, const std::string &path);
    std::string providedVarsText() const;

    bool isConst(std::int32_t n) const { return m_program.node(n).constant >= 0; }
    const Value &constValue(std::int32_t n) const;
    bool allKidsConst(std::int32_t n, std::int32_t from = 0) const;
    bool fold(std::int32_t n);

    void report(std::string_view code, TextRange range, std::string message, std::string suggestion = {},
        Severity severity = Severity::Error);
    Node &node(std::int32_t n) { return m_program.node(n); }
    std::int32_t kid(std::int32_t n, std::int32_t i) const { return m_program.kid(n, i); }

    Program &m_program;
    Trigger m_trigger;
    std::vector<ConditionDiagnostic> &m_diagnostics;
    std::map<std::string, std::int32_t, std::less<>> m_pathIds;
    bool m_errors = false;
};

} // namespace osh::cond
