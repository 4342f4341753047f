#pragma once
// Walks a checked Program for one request. Results are returned by pointer:
// into the program's constants, the request's variables, or the caller's
// scratch value, so simple comparisons copy and allocate nothing. Recursion
// depth is bounded by the parser's tree-height limit.

#include "ast.h"

#include <cstdint>
#include <string>
#include <vector>

namespace osh::cond {

// A value's type name, for evaluation errors ("number", "string", ...).
std::string tn(const Value &v);

class Evaluator
{
public:
    // ctx may be nullptr while folding constants (no variables are read then);
    // reads may be nullptr when nothing is recorded; explainPii: PII calls
    // that find something record their findings in reads too (Read::pii).
    Evaluator(const Program &program, const EvalContext *ctx, std::vector<Read> *reads, bool explainPii = false)
        : m_program(program)
        , m_ctx(ctx)
        , m_reads(reads)
        , m_readsStart(reads ? reads->size() : 0)
        , m_explainPii(explainPii && reads)
    { }

    // The node's value, or nullptr after an evaluation error (see error()).
    const Value *eval(std::int32_t n, Value &scratch);
    const std::string &error() const { return m_error; }

private:
    const Value *evalVar(const Node &node);
    const Value *evalMember(std::int32_t n, Value &scratch);
    const Value *evalIndex(std::int32_t n, Value &scratch);
    const Value *evalLogic(std::int32_t n, Value &scratch);
    const Value *evalList(std::int32_t n, Value &scratch);
    const Value *evalBinary(std::int32_t n, Value &scratch);

    // evaluatorops.cpp
    bool negate(const Value &a, Value &out);
    bool arithmetic(Kind kind, const Value &a, const Value &b, Value &out);
    bool order(Kind kind, const Value &a, const Value &b, bool &result);
    bool contains(const Value &needle, const Value &haystack, bool &result);

    // evaluatorcalls.cpp
    const Value *evalCall(std::int32_t n, Value &scratch);
    bool piiTypes(const Node &node, const Value *list, pii::PiiTypeSet &set);
    bool regexMatch(const Node &node, const Value &subject, const Value &pattern, bool &result);

    const Value *fail(std::string message);
    void record(const Node &node, const Value &v);
    void recordPii(const Node &call, const Value &arg, pii::PiiTypeSet types);

    const Program &m_program;
    const EvalContext *m_ctx;
    std::vector<Read> *m_reads;
    std::size_t m_readsStart; // this evaluation's reads follow earlier ones
    std::uint64_t m_recorded = 0; // paths 0..63 already in m_reads
    bool m_explainPii;
    std::string m_error;
};

} // namespace osh::cond
