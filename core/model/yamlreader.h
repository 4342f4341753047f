#pragma once
// Typed reads of YAML nodes with diagnostics: every wrong type, bad enum
// value or out-of-range number becomes a Diagnostic at the node's position.
// Used by PolicyLoader (and by the workspace's test-case loader).

#include "model/yamltree.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace osh {

class YamlReader
{
public:
    YamlReader(const yaml::Document &tree, const std::string &file, Diagnostics &diags)
        : m_tree(tree), m_file(file), m_diags(diags)
    {
    }

    const yaml::Document &tree() const { return m_tree; }

    void diag(std::string code, Severity sev, SourcePos pos, std::string message, std::string suggestion = {});
    void typeError(const yaml::Node &n, const std::string &what, std::string_view expected);
    void badEnum(const yaml::Node &n, std::string_view what, std::span<const std::string_view> allowed);

    static bool isNull(const yaml::Node &n);
    static std::string_view describe(const yaml::Node &n); // "a mapping", "a list", "the number 5"...

    std::optional<std::string> string(const yaml::Node &n, const std::string &what);
    std::optional<bool> boolean(const yaml::Node &n, const std::string &what);
    std::optional<std::int64_t> integer(const yaml::Node &n, const std::string &what, std::int64_t min,
                                        std::int64_t max, const char *rangeCode = "E014");
    std::optional<double> number(const yaml::Node &n, const std::string &what, double min, double max);
    std::optional<double> positiveNumber(const yaml::Node &n, const std::string &what);
    std::optional<std::size_t> enumeration(const yaml::Node &n, std::string_view what,
                                           std::span<const std::string_view> allowed);
    // A command: a list of strings (argv), or one string split on spaces.
    std::vector<std::string> command(const yaml::Node &n, const std::string &what);

    void sequence(const yaml::Node &n, const std::string &what, const std::function<void(const yaml::Node &)> &f);
    // A mapping of string to string; keys must be scalars and unique.
    void stringMap(const yaml::Node &n, const std::string &what,
                   const std::function<void(const yaml::Node &key, std::string value, const yaml::Node &)> &f);

private:
    const yaml::Document &m_tree;
    const std::string &m_file;
    Diagnostics &m_diags;
};

} // namespace osh
