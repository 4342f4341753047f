#pragma once
// What the visual editor's models and forms show: the current policy text,
// parsed for minimal edits, and the validator's diagnostics placed at byte
// offsets of that text. Shared (read-only) by VisualEditor's models and forms,
// which find a row's or a field's problems by source range.

#include "edit/policytexteditor.h"
#include "util/diagnostic.h"

#include <QString>

#include <functional>
#include <memory>

namespace osh::ui {

struct VisualState
{
    VisualState(std::string text, const Diagnostics &diagnostics);

    edit::PolicyTextEditor text;
    std::vector<std::pair<std::size_t, Diagnostic>> diagnostics; // by byte offset of their start

    // The diagnostics that start inside the source of path (a key with its
    // value, a list item with its comments); none when path is missing.
    std::vector<Diagnostic> within(const edit::Path &path) const;
};

// "[E012] message" lines, one per diagnostic.
QString describeDiagnostics(const std::vector<Diagnostic> &diagnostics);
// The worst severity among diagnostics (Info when empty).
Severity worstSeverity(const std::vector<Diagnostic> &diagnostics);

// Applies a computed edit to the policy text as one undoable action; false
// (with the reason shown by the visual editor) when the edit failed.
using EditApplier = std::function<bool(const edit::EditResult &)>;

} // namespace osh::ui
