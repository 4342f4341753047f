#pragma once
// The compiled form of a condition: a flat node array built by the parser,
// resolved and constant-folded in place by the checker, then walked by the
// evaluator. Children are indices into one shared array so the whole program
// is a handful of contiguous allocations.

#include "condition.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace osh::cond {

class ListIndex;
class RegexCache;

// Limits that keep every compile and evaluation bounded (spec section 6).
inline constexpr int kMaxTextLength = 64 * 1024;
inline constexpr int kMaxDepth = 64;
inline constexpr int kMaxListSize = 10000;

enum class Kind : std::uint8_t {
    Literal, // consts[constant]
    List, // [kids...]
    Name, // bare identifier; the checker turns variables into Var
    Member, // kid0 . names[name]
    Index, // kid0 [ kid1 ]
    Call, // kid0 = callee, kid1.. = arguments; aux = Func once resolved
    Var, // aux = osh::Var
    Neg,
    Not,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    And, // n-ary, short-circuit
    Or, // n-ary, short-circuit
};

inline bool isComparison(Kind k)
{
    return k >= Kind::Eq && k <= Kind::NotIn;
}
inline bool isArithmetic(Kind k)
{
    return k >= Kind::Add && k <= Kind::Mod;
}

struct Node
{
    Kind kind = Kind::Literal;
    std::uint8_t aux = 0; // Var or Func, by kind
    bool record = false; // evaluation records this node's value under paths[path]
    std::int32_t firstKid = 0;
    std::int32_t kidCount = 0;
    std::int32_t constant = -1; // consts index: a literal, or the folded value
    std::int32_t name = -1; // names index (Name, Member)
    std::int32_t path = -1; // paths index for variable paths
    std::int64_t extra = -1; // Call: regex index (matches) or PII type bits; In/NotIn: list index
    int height = 0; // operator levels below and including this node
    TextRange range; // the subexpression itself
    TextRange full; // including enclosing parentheses, for the parent's range
};

struct Program
{
    std::vector<Node> nodes;
    std::vector<std::int32_t> kids;
    std::vector<Value> consts;
    std::vector<std::string> names;
    std::vector<std::string> paths;
    std::vector<std::shared_ptr<const re2::RE2>> regexes;
    std::vector<std::shared_ptr<const ListIndex>> listIndexes;
    std::shared_ptr<RegexCache> regexCache; // patterns only known at evaluation
    pii::PiiTypeSet defaultPii;
    std::int32_t root = -1;

    std::int32_t kid(std::int32_t node, std::int32_t i) const
    {
        return kids[static_cast<size_t>(nodes[static_cast<size_t>(node)].firstKid) + static_cast<size_t>(i)];
    }
    const Node &node(std::int32_t i) const { return nodes[static_cast<size_t>(i)]; }
    Node &node(std::int32_t i) { return nodes[static_cast<size_t>(i)]; }
};

} // namespace osh::cond
