#pragma once
// Line diff of two texts, computed by libgit2 (git_diff_buffers) so that the
// studio, `osctl diff` and the side-by-side view agree with what git shows.

#include <string>
#include <string_view>
#include <vector>

namespace osh::vcs {

struct DiffLine
{
    enum Kind { Context, Added, Removed };
    Kind kind;
    int oldLine; // 1-based, 0 when absent (an added line)
    int newLine; // 1-based, 0 when absent (a removed line)
    std::string text; // without the newline
};

struct DiffHunk
{
    int oldStart = 0, oldLines = 0, newStart = 0, newLines = 0;
    std::vector<DiffLine> lines;
};

// Line diff of two texts with libgit2 (git_diff_buffers). contextLines < 0 =
// whole file: one hunk spanning every line, even when the texts are equal
// (equal texts otherwise give no hunks). Texts are always diffed as text,
// never as binary. On failure returns no hunks and sets *error.
std::vector<DiffHunk> diffText(std::string_view oldText, std::string_view newText, int contextLines,
                               std::string *error = nullptr);

// The hunks as a unified diff ("--- a/…", "+++ b/…", "@@ … @@", ±lines).
std::string unifiedDiff(const std::vector<DiffHunk> &hunks, std::string_view oldLabel,
                        std::string_view newLabel);

} // namespace osh::vcs
