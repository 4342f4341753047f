#pragma once
// Membership index for a constant list on the right of 'in' (deny lists of
// hosts, tool names...): string needles use a binary search instead of a
// scan, with the same result as comparing the needle with every element.

#include "util/value.h"

#include <string_view>
#include <vector>

namespace osh::cond {

class ListIndex
{
public:
    // Lists shorter than this are scanned: a search would not be faster.
    static constexpr size_t kMinSize = 8;

    explicit ListIndex(Value list);

    bool contains(const Value &needle) const;

private:
    Value m_list; // owns the elements the views and pointers refer to
    std::vector<std::string_view> m_strings; // sorted
    std::vector<const Value *> m_others; // non-string elements, scanned
};

} // namespace osh::cond
