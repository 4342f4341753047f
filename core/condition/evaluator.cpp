#include "evaluator.h"

#include "listindex.h"

#include <algorithm>

namespace osh::cond {

const Value *Evaluator::fail(std::string message)
{
    m_error = std::move(message);
    return nullptr;
}

void Evaluator::record(const Node &node, const Value &v)
{
    if (!m_reads || !node.record)
        return;
    const auto id = static_cast<std::uint32_t>(node.path);
    const std::string &path = m_program.paths[id];
    if (id < 64) {
        const std::uint64_t bit = std::uint64_t(1) << id;
        if (m_recorded & bit)
            return;
        m_recorded |= bit;
    } else if (std::any_of(m_reads->begin() + static_cast<std::ptrdiff_t>(m_readsStart), m_reads->end(),
                           [&](const Read &r) { return r.path == path; })) {
        return;
    }
    m_reads->push_back(Read {std::string_view(path), v});
}

const Value *Evaluator::eval(std::int32_t n, Value &scratch)
{
    const Node &node = m_program.node(n);
    if (node.constant >= 0)
        return &m_program.consts[static_cast<size_t>(node.constant)];
    switch (node.kind) {
    case Kind::Var: return evalVar(node);
    case Kind::Member: return evalMember(n, scratch);
    case Kind::Index: return evalIndex(n, scratch);
    case Kind::Call: return evalCall(n, scratch);
    case Kind::List: return evalList(n, scratch);
    case Kind::And:
    case Kind::Or: return evalLogic(n, scratch);
    case Kind::Not: {
        Value tmp;
        const Value *v = eval(m_program.kid(n, 0), tmp);
        if (!v)
            return nullptr;
        if (!v->isBool())
            return fail("'not' needs a bool, got " + std::string(v->typeName()));
        scratch = Value(!v->toBool());
        return &scratch;
    }
    case Kind::Neg: {
        Value tmp;
        const Value *v = eval(m_program.kid(n, 0), tmp);
        if (!v || !negate(*v, scratch))
            return nullptr;
        return &scratch;
    }
    case Kind::Literal:
    case Kind::Name: return fail("internal error: unresolved expression");
    default: return evalBinary(n, scratch);
    }
}

const Value *Evaluator::evalVar(const Node &node)
{
    if (!m_ctx)
        return fail("internal error: variable read without a request");
    const Value &v = m_ctx->variable(static_cast<Var>(node.aux));
    record(node, v);
    return &v;
}

const Value *Evaluator::evalMember(std::int32_t n, Value &scratch)
{
    const Node &node = m_program.node(n);
    Value tmp;
    const Value *base = eval(m_program.kid(n, 0), tmp);
    if (!base)
        return nullptr;
    const std::string &key = m_program.names[static_cast<size_t>(node.name)];
    const Value *result = &Value::null();
    if (base->isMap()) {
        result = &base->member(key);
    } else if (!base->isNull()) {
        return fail("cannot access member '" + key + "' of " + std::string(base->typeName()));
    }
    // A member of a temporary dies with it.
    if (base == &tmp) {
        scratch = *result;
        result = &scratch;
    }
    record(node, *result);
    return result;
}

const Value *Evaluator::evalIndex(std::int32_t n, Value &scratch)
{
    Value baseTmp;
    Value keyTmp;
    const Value *base = eval(m_program.kid(n, 0), baseTmp);
    if (!base)
        return nullptr;
    const Value *key = eval(m_program.kid(n, 1), keyTmp);
    if (!key)
        return nullptr;
    const Value *result = &Value::null();
    if (base->isList()) {
        if (!key->isInt())
            return fail("list index must be an int, got " + std::string(key->typeName()));
        const auto &list = base->toList();
        const auto size = static_cast<std::int64_t>(list.size());
        std::int64_t i = key->toInt();
        if (i < 0)
            i += size;
        if (i >= 0 && i < size)
            result = &list[static_cast<size_t>(i)];
    } else if (base->isMap()) {
        if (!key->isString())
            return fail("map key must be a string, got " + std::string(key->typeName()));
        result = &base->member(key->toString());
    } else if (base->isNull()) {
        if (!key->isInt() && !key->isString())
            return fail("index must be an int or a string, got " + std::string(key->typeName()));
    } else {
        return fail("cannot index " + std::string(base->typeName()) + " (only lists and maps)");
    }
    if (base == &baseTmp) {
        scratch = *result;
        return &scratch;
    }
    return result;
}

const Value *Evaluator::evalList(std::int32_t n, Value &scratch)
{
    const Node &node = m_program.node(n);
    ValueList items;
    items.reserve(static_cast<size_t>(node.kidCount));
    for (std::int32_t i = 0; i < node.kidCount; ++i) {
        Value tmp;
        const Value *v = eval(m_program.kid(n, i), tmp);
        if (!v)
            return nullptr;
        if (v == &tmp)
            items.push_back(std::move(tmp));
        else
            items.push_back(*v);
    }
    scratch = Value(std::move(items));
    return &scratch;
}

const Value *Evaluator::evalLogic(std::int32_t n, Value &scratch)
{
    const Node &node = m_program.node(n);
    const bool isOr = node.kind == Kind::Or;
    for (std::int32_t i = 0; i < node.kidCount; ++i) {
        Value tmp;
        const Value *v = eval(m_program.kid(n, i), tmp);
        if (!v)
            return nullptr;
        if (!v->isBool())
            return fail(
                std::string(isOr ? "'or'" : "'and'") + " needs bool operands, got " + std::string(v->typeName()));
        if (v->toBool() == isOr) {
            scratch = Value(isOr);
            return &scratch;
        }
    }
    scratch = Value(!isOr);
    return &scratch;
}

const Value *Evaluator::evalBinary(std::int32_t n, Value &scratch)
{
    const Kind kind = m_program.node(n).kind;
    Value ta;
    Value tb;
    const Value *a = eval(m_program.kid(n, 0), ta);
    if (!a)
        return nullptr;
    const Value *b = eval(m_program.kid(n, 1), tb);
    if (!b)
        return nullptr;
    bool result = false;
    switch (kind) {
    case Kind::Eq: result = *a == *b; break;
    case Kind::Ne: result = *a != *b; break;
    case Kind::Lt:
    case Kind::Le:
    case Kind::Gt:
    case Kind::Ge:
        if (!order(kind, *a, *b, result))
            return nullptr;
        break;
    case Kind::In:
    case Kind::NotIn:
        if (const auto index = m_program.node(n).extra; index >= 0)
            result = m_program.listIndexes[static_cast<size_t>(index)]->contains(*a);
        else if (!contains(*a, *b, result))
            return nullptr;
        if (kind == Kind::NotIn)
            result = !result;
        break;
    default:
        if (!arithmetic(kind, *a, *b, scratch))
            return nullptr;
        return &scratch;
    }
    scratch = Value(result);
    return &scratch;
}

} // namespace osh::cond
