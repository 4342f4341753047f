#include "listindex.h"

#include <algorithm>

namespace osh::cond {

ListIndex::ListIndex(Value list)
    : m_list(std::move(list))
{
    for (const auto &e : m_list.toList()) {
        if (e.isString())
            m_strings.emplace_back(e.toString());
        else
            m_others.push_back(&e);
    }
    std::sort(m_strings.begin(), m_strings.end());
}

bool ListIndex::contains(const Value &needle) const
{
    if (needle.isString())
        return std::binary_search(m_strings.begin(), m_strings.end(), std::string_view(needle.toString()));
    return std::any_of(m_others.begin(), m_others.end(), [&](const Value *e) { return *e == needle; });
}

} // namespace osh::cond
