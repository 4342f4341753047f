#include "pageoption.h"

#include "shell/mainwindow.h"
#include "editor/policyeditor.h"
#include "policytests/policytestspage.h"
#include "replay/replaypage.h"
#include "replay/timelineview.h"

#include <memory>
#include "simulator/simulatorpage.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>

namespace osh::studio {

namespace {

const QLatin1StringView kPageSuffix("Page");
const QLatin1StringView kDockSuffix("Dock");

QStringList viewNames(const osh::ui::MainWindow &window)
{
    QStringList names;
    for (int i = 0; i < window.pages()->count(); ++i)
        if (const QString n = window.pages()->widget(i)->objectName(); n.endsWith(kPageSuffix))
            names << n.chopped(kPageSuffix.size());
    for (const auto *dock : window.findChildren<QDockWidget *>())
        if (dock->objectName().endsWith(kDockSuffix))
            names << dock->objectName().chopped(kDockSuffix.size());
    return names;
}

void fillPolicy(osh::ui::PolicyEditor *editor)
{
    if (editor->diagnostics().empty())
        return;
    // Once shown: scrolling to the caret before the editor has its size scrolls sideways too.
    QTimer::singleShot(0, editor, [editor] {
        if (editor->diagnostics().empty())
            return;
        const auto &first = editor->diagnostics().front();
        editor->goToPosition(first.begin.line, first.begin.column);
        editor->setFirstVisibleLine(std::max(0, first.begin.line - 12));
    });
}

void fillReplay(osh::ui::MainWindow &window, osh::ui::ReplayPage *page, bool whatIf)
{
    // The session list starts with the newest; open it at its first violation.
    if (!page->session() && !page->openNewestSession())
        return;
    auto show = [w = &window, page, whatIf] {
        page->timeline()->nextViolation();
        if (whatIf)
            page->runWhatIf(w->editor()->text(), w->editor()->fileName());
    };
    if (page->session()) {
        show();
        return;
    }
    // Through openshelld the session arrives later, once fetched.
    auto once = std::make_shared<QMetaObject::Connection>();
    *once = QObject::connect(page, &osh::ui::ReplayPage::sessionLoaded, page, [once, show] {
        QObject::disconnect(*once);
        show();
    });
}

} // namespace

bool showPage(osh::ui::MainWindow &window, const PageRequest &request, QString *error)
{
    const QString name = request.name.toLower();
    bool found = false;
    for (int i = 0; i < window.pages()->count(); ++i) {
        if (window.pages()->widget(i)->objectName() == name + kPageSuffix) {
            window.pages()->setCurrentIndex(i);
            found = true;
        }
    }
    if (auto *dock = window.findChild<QDockWidget *>(name + kDockSuffix)) {
        dock->show();
        dock->raise();
        found = true;
    }
    if (!found) {
        *error = QCoreApplication::translate("main", "No view named '%1'; the views are: %2.")
                     .arg(request.name, viewNames(window).join(QStringLiteral(", ")));
        return false;
    }
    if (name == QLatin1StringView("policy"))
        fillPolicy(window.editor());
    else if (name == QLatin1StringView("simulator"))
        window.simulator()->decide();
    else if (auto *tests = window.findChild<osh::ui::PolicyTestsPage *>(); tests && name == QLatin1StringView("tests"))
        tests->runTests();
    else if (auto *replay = window.findChild<osh::ui::ReplayPage *>(); replay && name == QLatin1StringView("replay"))
        fillReplay(window, replay, request.whatIf);
    return true;
}

} // namespace osh::studio
