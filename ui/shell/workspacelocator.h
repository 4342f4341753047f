#pragma once
// Which workspace the studio opens at start: the folder given on the command
// line, else the most recent workspace, else the user's copy of the bundled
// demo workspace (examples/customer-support next to an installed studio, or
// in the source tree of a build).
//
// The bundled demo is never edited in place: it may be read-only (installed)
// or inside the studio's own source repository. On first use it is copied to
// $XDG_DATA_HOME/openshell/workspaces/customer-support, which becomes a git
// repository of its own with the shipped policy as the first commit, tagged
// as deployed, so history, diffs against the deployed version and what-if
// replay work from the start.

#include <QString>

namespace osh::ui {

class Settings;

// The demo workspace's folder, or empty when it cannot be found.
QString demoWorkspacePath();

// The user's copy of the demo workspace, made (copied, committed and tagged
// as deployed) when missing. On failure: empty, with *error saying why; a
// half-made copy is removed.
QString userDemoWorkspace(const Settings &settings, QString *error);

// `argument` when not empty (relative to the current folder), else the first
// recent workspace, else the user's demo workspace; when that cannot be
// made, the bundled demo itself (with *note saying why), else empty.
QString initialWorkspace(const QString &argument, const Settings &settings, QString *note = nullptr);

} // namespace osh::ui
