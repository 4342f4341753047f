// Line diff through libgit2's buffer diff.
#include "textdiff.h"

#include "gitlib.h"

#include <git2.h>

#include <algorithm>
#include <limits>

namespace osh::vcs {

namespace {

struct Collector
{
    std::vector<DiffHunk> hunks;
};

int onHunk(const git_diff_delta *, const git_diff_hunk *hunk, void *payload)
{
    auto *c = static_cast<Collector *>(payload);
    DiffHunk h;
    h.oldStart = hunk->old_start;
    h.oldLines = hunk->old_lines;
    h.newStart = hunk->new_start;
    h.newLines = hunk->new_lines;
    c->hunks.push_back(std::move(h));
    return 0;
}

int onLine(const git_diff_delta *, const git_diff_hunk *, const git_diff_line *line, void *payload)
{
    auto *c = static_cast<Collector *>(payload);
    if (c->hunks.empty())
        return 0;
    DiffLine l{DiffLine::Context, 0, 0, {}};
    switch (line->origin) {
    case GIT_DIFF_LINE_CONTEXT: l.kind = DiffLine::Context; break;
    case GIT_DIFF_LINE_ADDITION: l.kind = DiffLine::Added; break;
    case GIT_DIFF_LINE_DELETION: l.kind = DiffLine::Removed; break;
    default: return 0; // "\ No newline at end of file" markers and headers
    }
    l.oldLine = line->old_lineno > 0 ? line->old_lineno : 0;
    l.newLine = line->new_lineno > 0 ? line->new_lineno : 0;
    std::string_view text(line->content, line->content_len);
    if (!text.empty() && text.back() == '\n')
        text.remove_suffix(1);
    if (!text.empty() && text.back() == '\r')
        text.remove_suffix(1);
    l.text = std::string(text);
    c->hunks.back().lines.push_back(std::move(l));
    return 0;
}

std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        std::string_view l = text.substr(start, nl - start);
        if (!l.empty() && l.back() == '\r')
            l.remove_suffix(1);
        lines.push_back(l);
        start = nl + 1;
    }
    return lines;
}

} // namespace

std::vector<DiffHunk> diffText(std::string_view oldText, std::string_view newText, int contextLines,
                               std::string *error)
{
    GitLibrary lib;
    if (error)
        error->clear();

    const bool wholeFile = contextLines < 0;
    if (wholeFile && oldText == newText) {
        // libgit2 reports no hunk for equal buffers; "whole file" still wants them.
        std::vector<DiffHunk> out;
        const auto lines = splitLines(oldText);
        if (lines.empty())
            return out;
        DiffHunk h;
        h.oldStart = h.newStart = 1;
        h.oldLines = h.newLines = int(lines.size());
        int n = 0;
        for (std::string_view l : lines) {
            ++n;
            h.lines.push_back({DiffLine::Context, n, n, std::string(l)});
        }
        out.push_back(std::move(h));
        return out;
    }

    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.flags |= GIT_DIFF_FORCE_TEXT;
    if (wholeFile) {
        // More context than either text has lines makes one hunk of everything.
        const size_t most = std::max(std::count(oldText.begin(), oldText.end(), '\n'),
                                     std::count(newText.begin(), newText.end(), '\n'))
                            + 1;
        opts.context_lines = std::uint32_t(std::min<size_t>(most, std::numeric_limits<std::int32_t>::max()));
    } else {
        opts.context_lines = std::uint32_t(contextLines);
    }

    Collector c;
    const int rc = git_diff_buffers(oldText.data(), oldText.size(), nullptr, newText.data(), newText.size(),
                                    nullptr, &opts, nullptr, nullptr, onHunk, onLine, &c);
    if (rc < 0) {
        if (error)
            *error = gitErrorMessage("diff", rc);
        return {};
    }
    return std::move(c.hunks);
}

std::string unifiedDiff(const std::vector<DiffHunk> &hunks, std::string_view oldLabel, std::string_view newLabel)
{
    std::string out;
    if (hunks.empty())
        return out;
    out.append("--- ").append(oldLabel).append("\n");
    out.append("+++ ").append(newLabel).append("\n");
    auto range = [](int start, int count) {
        std::string s = std::to_string(start);
        if (count != 1)
            s += "," + std::to_string(count);
        return s;
    };
    for (const DiffHunk &h : hunks) {
        out.append("@@ -").append(range(h.oldStart, h.oldLines)).append(" +");
        out.append(range(h.newStart, h.newLines)).append(" @@\n");
        for (const DiffLine &l : h.lines) {
            out.push_back(l.kind == DiffLine::Added ? '+' : l.kind == DiffLine::Removed ? '-' : ' ');
            out.append(l.text).push_back('\n');
        }
    }
    return out;
}

} // namespace osh::vcs
