#pragma once
// The filesystem controller's decision on one file operation (spec section
// 4): path normalisation, longest-prefix rule, permissions, extensions, file
// and total sizes, symlinks and archives. Shared by `osctl eval` and the
// runtime's controller-mediated file operations.

#include "model/policy.h"

#include <cstdint>
#include <optional>
#include <string>

namespace osh {

class SessionState;

struct FileQuery
{
    std::string path;
    std::string operation; // read write create delete list symlink
    std::int64_t size = 0; // resulting file size for write/create
    std::optional<std::string> extension; // as given; derived from path otherwise
    std::optional<std::string> linkTarget;
    std::optional<std::int64_t> expandedSize; // archives
};

struct FileVerdict
{
    bool allowed = false;
    int rule = -1;          // -1: no rule (implicit workspace or none)
    std::string path;       // normalised
    std::string reason;
};

class FilesystemLayer
{
public:
    explicit FilesystemLayer(const FilesystemController &config) : m_config(config) {}

    FileVerdict decide(const FileQuery &q, const SessionState &session) const;

    // Lexical normalisation: relative paths join the workspace, "." and ".."
    // are resolved (never above "/"). Empty on NUL bytes or invalid UTF-8.
    static std::optional<std::string> normalize(std::string_view path, std::string_view workspace);
    static bool isUnder(std::string_view path, std::string_view prefix);
    static std::string lastExtension(std::string_view path); // ".txt", lower case, "" when none
    static bool isArchive(std::string_view path);

    // The rule deciding a normalised path (longest prefix by component), or -1.
    int ruleFor(std::string_view path) const;

private:
    const FilesystemController &m_config;
};

} // namespace osh
