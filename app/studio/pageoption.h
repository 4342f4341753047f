#pragma once
// `openshell-studio --page NAME`: shows one view of the studio with
// something in it (for screenshots and demos). NAME is a page's or a dock's
// object name without its "Page"/"Dock" suffix (policy, simulator, tests,
// launcher, replay; policies, approvals, problems, history), so it works in
// every language.

#include <QString>

namespace osh::ui {
class MainWindow;
}

namespace osh::studio {

struct PageRequest
{
    QString name;
    bool whatIf = false; // replay: re-decide the session against the editor's text
};

// Shows the view and fills it: the policy editor scrolls to the first
// problem, the simulator decides its request, the tests page runs the
// tests, the replay page steps to the newest session's first violation.
// False with *error (naming the valid names) when there is no such view.
bool showPage(osh::ui::MainWindow &window, const PageRequest &request, QString *error);

} // namespace osh::studio
