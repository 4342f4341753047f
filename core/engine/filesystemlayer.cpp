#include "filesystemlayer.h"

#include "engine/sessionstate.h"
#include "util/strings.h"

#include <cmath>
#include <vector>

namespace osh {

std::optional<std::string> FilesystemLayer::normalize(std::string_view path, std::string_view workspace)
{
    if (path.find('\0') != std::string_view::npos || !isValidUtf8(path) || path.empty())
        return std::nullopt;
    std::string full = path[0] == '/' ? std::string(path) : std::string(workspace) + "/" + std::string(path);
    std::vector<std::string_view> parts;
    std::string_view rest = full;
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const auto comp = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        if (comp.empty() || comp == ".")
            continue;
        if (comp == "..") {
            if (!parts.empty())
                parts.pop_back();
            continue;
        }
        parts.push_back(comp);
    }
    std::string out;
    for (auto p : parts) {
        out += '/';
        out += p;
    }
    return out.empty() ? std::string("/") : out;
}

bool FilesystemLayer::isUnder(std::string_view path, std::string_view prefix)
{
    if (prefix == "/")
        return true;
    return path.size() >= prefix.size() && path.compare(0, prefix.size(), prefix) == 0
        && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

std::string FilesystemLayer::lastExtension(std::string_view path)
{
    const auto slash = path.rfind('/');
    const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0)
        return {};
    return toLowerAscii(name.substr(dot));
}

bool FilesystemLayer::isArchive(std::string_view path)
{
    const std::string lower = toLowerAscii(path);
    for (const char *ext : {".zip", ".gz", ".bz2", ".xz", ".zst", ".tgz", ".tbz2", ".txz"})
        if (lower.size() >= std::char_traits<char>::length(ext)
            && lower.compare(lower.size() - std::char_traits<char>::length(ext), std::string::npos, ext) == 0)
            return true;
    const auto slash = lower.rfind('/');
    return lower.find(".tar", slash == std::string::npos ? 0 : slash) != std::string::npos;
}

int FilesystemLayer::ruleFor(std::string_view path) const
{
    int best = -1;
    std::size_t bestLen = 0;
    for (std::size_t i = 0; i < m_config.rules.size(); ++i) {
        const auto &r = m_config.rules[i].path;
        if (!r.empty() && isUnder(path, r) && (best < 0 || r.size() > bestLen)) {
            best = static_cast<int>(i);
            bestLen = r.size();
        }
    }
    return best;
}

FileVerdict FilesystemLayer::decide(const FileQuery &q, const SessionState &session) const
{
    FileVerdict v;
    const auto norm = normalize(q.path, m_config.workspace);
    if (!norm) {
        v.reason = "path contains a NUL byte or invalid UTF-8, or is empty";
        return v;
    }
    v.path = *norm;
    const int idx = ruleFor(v.path);
    v.rule = idx;
    const bool inWorkspace = isUnder(v.path, m_config.workspace);
    if (idx < 0) {
        if (inWorkspace) {
            v.allowed = true;
            v.reason = v.path + " is in the workspace (no rule: read-write, no limits)";
            return v;
        }
        if (m_config.strictPathValidation) {
            v.reason = v.path + " is outside every rule (strict_path_validation)";
            return v;
        }
        v.allowed = true;
        v.reason = v.path + " is outside every rule; strict_path_validation is off";
        return v;
    }

    const AccessRule &r = m_config.rules[static_cast<std::size_t>(idx)];
    const std::string ruleName = "rule " + std::to_string(idx) + " (" + r.path + ", " + std::string(permissionName(r.permissions)) + ")";
    const std::string &op = q.operation;
    const bool wants_read = op == "read" || op == "list";
    const bool canRead = r.permissions != Permission::Write;
    const bool canWrite = r.permissions != Permission::Read;
    if (wants_read && !canRead) {
        v.reason = op + " of " + v.path + " refused: " + ruleName + " is write-only";
        return v;
    }
    if (!wants_read && !canWrite) {
        v.reason = op + " of " + v.path + " refused: " + ruleName + " is read-only";
        return v;
    }
    if (op == "symlink") {
        if (r.blockSymlinks) {
            v.reason = "creating a symlink at " + v.path + " refused: " + ruleName + " blocks symlinks";
            return v;
        }
        if (q.linkTarget) {
            const auto dir = v.path.substr(0, v.path.rfind('/'));
            const auto target = normalize(*q.linkTarget, dir.empty() ? "/" : dir);
            if (!target || !isUnder(*target, r.path)) {
                v.reason = "symlink " + v.path + " -> " + *q.linkTarget + " leaves " + r.path;
                return v;
            }
        }
    }
    if (r.allowedExtensions && op != "list" && op != "delete") {
        const std::string ext = q.extension ? toLowerAscii(*q.extension) : lastExtension(v.path);
        bool ok = false;
        for (const auto &a : *r.allowedExtensions)
            ok = ok || toLowerAscii(a) == ext;
        if (!ok) {
            v.reason = "extension '" + (ext.empty() ? std::string("(none)") : ext) + "' of " + v.path
                + " is not allowed by " + ruleName;
            return v;
        }
    }
    if (op == "write" || op == "create") {
        if (r.maxFileSizeMb && static_cast<double>(q.size) > *r.maxFileSizeMb * 1048576.0) {
            v.reason = "file " + v.path + " of " + std::to_string(q.size) + " bytes exceeds max_file_size_mb "
                + std::to_string(*r.maxFileSizeMb) + " of " + ruleName;
            return v;
        }
        if (r.maxTotalSizeMb) {
            const double limit = *r.maxTotalSizeMb * 1048576.0;
            const auto after = session.bytesBelow(r.path) - session.fileSize(v.path) + q.size;
            if (static_cast<double>(after) > limit) {
                v.reason = "writing " + v.path + " would bring " + r.path + " to " + std::to_string(after)
                    + " bytes, over max_total_size_mb";
                return v;
            }
        }
        if (q.expandedSize && isArchive(v.path)) {
            const double expanded = static_cast<double>(*q.expandedSize);
            if (q.size > 0 && expanded / static_cast<double>(q.size) > 100.0) {
                v.reason = "archive " + v.path + " expands " + std::to_string(*q.expandedSize) + " bytes from "
                    + std::to_string(q.size) + " (ratio over 100:1)";
                return v;
            }
            if (r.maxTotalSizeMb) {
                const double remaining = *r.maxTotalSizeMb * 1048576.0 - static_cast<double>(session.bytesBelow(r.path));
                if (expanded > remaining) {
                    v.reason = "archive " + v.path + " would expand past the remaining max_total_size_mb of " + r.path;
                    return v;
                }
            }
        }
    }
    v.allowed = true;
    v.reason = op + " of " + v.path + " allowed by " + ruleName;
    return v;
}

} // namespace osh
