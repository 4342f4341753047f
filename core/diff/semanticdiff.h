#pragma once
// The semantic diff of two policy documents: what was added, removed,
// reordered or changed in each section, and what that means for requests
// ("tool 'web_search' may now reach api.example.com:443"). Used by
// `osctl diff --semantic` and by the studio's history view. The rules that
// decide an effect are in docs/semantic-diff.md; where the diff cannot tell
// whether a change allows more, it says so (Effect::Unknown) instead of
// guessing.

#include "model/policy.h"
#include "util/diagnostic.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osh::diff {

enum class Section { Document, Sandbox, Network, Filesystem, Tools, Pii, Policies };
inline constexpr int kSectionCount = 7;

enum class ChangeKind { Added, Removed, Changed, Moved, Consequence };

// What a change does to requests. NewlyAllowed/NewlyBlocked: some requests
// change outcome between allowed and blocked; Looser/Stricter: limits or
// outcomes move in one direction without a flip; Neutral: no effect on
// decisions; Unknown: the direction depends on what is requested.
enum class Effect { NewlyAllowed, NewlyBlocked, Looser, Stricter, Neutral, Unknown };
inline constexpr int kEffectCount = 6;

std::string_view sectionName(Section s);   // "sandbox", "network", ...
std::string_view changeKindName(ChangeKind k); // "added", "removed", ...
std::string_view effectName(Effect e);     // "newly-allowed", ..., "unknown"

struct Change
{
    Section section = Section::Document;
    ChangeKind kind = ChangeKind::Changed;
    Effect effect = Effect::Unknown;
    std::string subject;  // e.g. "max_memory_mb", "policy 'block-ssn'", "network rule 2 (web_search)"
    std::string key;      // the changed key when one is, e.g. "condition"
    std::string before;   // old value as text (conditions normalised); empty when absent
    std::string after;    // new value as text
    std::string sentence; // a full sentence saying what changed and what it means
    SourcePos beforePos;  // in the before document; invalid when absent there
    SourcePos afterPos;   // in the after document (for removals: the enclosing section)
};

struct SemanticDiff
{
    std::vector<Change> changes; // grouped by section, in document order within each

    bool empty() const { return changes.empty(); }
    int count(Effect e) const;
    // "2 newly allowed, 1 newly blocked, 3 changed" (or "no changes").
    std::string summary() const;
};

SemanticDiff semanticDiff(const PolicyDocument &before, const PolicyDocument &after);

// Plain text for a terminal, one line per change grouped under section
// headings; colour adds ANSI colours by effect.
std::string formatSemanticDiff(const SemanticDiff &diff, bool colour);
// One JSON object: {"summary":..., "counts":{...}, "changes":[{...}]}.
std::string semanticDiffJson(const SemanticDiff &diff);

struct SemanticDiffResult
{
    std::optional<SemanticDiff> diff; // empty when either text has errors
    Diagnostics diagnostics;          // the loader's findings for both files, FILE:LINE:COL
};

// Loads both texts and diffs them. Loader errors (YAML syntax, unknown keys,
// bad values) in either text stop the diff and come back as diagnostics
// naming the file, line and column; warnings are passed through.
SemanticDiffResult semanticDiffTexts(std::string_view beforeText, const std::string &beforeFile,
                                     std::string_view afterText, const std::string &afterFile);

} // namespace osh::diff
