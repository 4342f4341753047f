// CommitReview: the diff and the warnings shown before a commit.
#include "commitreview.h"

#include "visual/policyshadowing.h"

#include "model/policyvalidator.h"
#include "testsuite/testrunner.h"
#include "testsuite/testsuiteloader.h"
#include "util/sha256.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <map>

namespace osh::ui {

namespace {

struct Loaded
{
    std::shared_ptr<const PolicyDocument> doc; // null when it has errors
    Diagnostics diagnostics;
    QString firstError;
};

Loaded load(const QByteArray &text, const QString &file)
{
    ValidationOptions opt;
    opt.checkFiles = false;
    opt.checkHostBinaries = false;
    auto r = PolicyValidator::checkText(std::string_view(text.constData(), std::size_t(text.size())),
                                        file.toStdString(), opt);
    Loaded out;
    out.diagnostics = std::move(r.diagnostics);
    const auto error = std::find_if(out.diagnostics.begin(), out.diagnostics.end(),
                                    [](const Diagnostic &d) { return d.severity == Severity::Error; });
    if (error != out.diagnostics.end())
        out.firstError = QString::fromStdString(error->format());
    else if (!r.document)
        out.firstError = QCoreApplication::translate("CommitReview", "the text is not a policy document");
    else
        out.doc = std::move(r.document);
    return out;
}

QString canonical(const QString &path)
{
    const QFileInfo info(path);
    const QString c = info.canonicalFilePath();
    return c.isEmpty() ? info.absoluteFilePath() : c;
}

const Policy *policyNamed(const PolicyDocument &doc, const QString &name)
{
    const std::string n = name.toStdString();
    const auto it = std::find_if(doc.policies.begin(), doc.policies.end(), [&](const Policy &p) { return p.name == n; });
    return it == doc.policies.end() ? nullptr : &*it;
}

void newlyAllowed(const diff::SemanticDiff &d, QList<CommitWarning> &out)
{
    for (const auto &c : d.changes) {
        // A policy outcome that got looser lets requests through that HEAD
        // stopped: allowed, logged, redacted (it goes ahead with its PII
        // replaced) or throttled (it goes ahead later). Only block →
        // escalate is looser with nothing going ahead unseen: skip it.
        const bool goesAhead = c.key != "action" || (c.after != "block" && c.after != "escalate");
        const bool looserPolicy = c.effect == diff::Effect::Looser && c.section == diff::Section::Policies && goesAhead;
        if (c.effect == diff::Effect::NewlyAllowed || looserPolicy)
            out.push_back({CommitWarning::Kind::NewlyAllowed, QString::fromStdString(c.sentence)});
    }
}

void unreachableBlocks(const Loaded &head, const Loaded &next, QList<CommitWarning> &out)
{
    const QList<PolicyShadowing> before = policyShadowings(head.doc.get());
    for (const auto &s : policyShadowings(next.doc.get())) {
        const Policy *p = policyNamed(*next.doc, s.policy);
        if (!p || p->action != Action::Block)
            continue;
        const bool already = std::any_of(before.begin(), before.end(),
                                         [&](const PolicyShadowing &b) { return b.policy == s.policy; });
        if (!already)
            out.push_back({CommitWarning::Kind::UnreachableBlock,
                           CommitReview::tr("Block policy '%1' becomes unreachable. %2").arg(s.policy, describeShadowing(s))});
    }
}

QString firstError(const Diagnostics &diagnostics)
{
    const auto error = std::find_if(diagnostics.begin(), diagnostics.end(),
                                    [](const Diagnostic &d) { return d.severity == Severity::Error; });
    return error == diagnostics.end() ? QString() : QString::fromStdString(error->format());
}

bool isCancelled(const std::atomic<bool> *cancelled)
{
    return cancelled && cancelled->load(std::memory_order_relaxed);
}

// Cases of the suites that run against file which fail with the new version
// and passed (or did not run) with HEAD. Both runs decide the same loaded
// suite, so the i-th result of one is the i-th case of the other: cases are
// matched by position, never by name (names need not be unique). A suite
// that does not load is reported when it tests this file or when it is
// too broken to tell which policy it tests: its cases were not checked.
int failingTests(const Loaded &head, const Loaded &next, const QString &file, const QString &workspaceDir,
                 QList<CommitWarning> &out, const std::atomic<bool> *cancelled)
{
    const QString target = canonical(file);
    const std::string ws = workspaceDir.toStdString();
    int cases = 0;
    for (const auto &testFile : TestSuiteLoader::workspaceTestFiles(ws)) {
        if (isCancelled(cancelled))
            break;
        const TestSuite suite = TestSuiteLoader::loadFile(testFile, ws);
        const QString suiteName = QDir(workspaceDir).relativeFilePath(QString::fromStdString(testFile));
        const bool testsFile = !suite.policyFile.empty() && canonical(QString::fromStdString(suite.policyFile)) == target;
        if (hasErrors(suite.diagnostics)) {
            if (testsFile || suite.policyFile.empty())
                out.push_back({CommitWarning::Kind::TestsDoNotLoad,
                               CommitReview::tr("Policy tests %1 do not load, so none of their cases was checked: %2")
                                   .arg(suiteName, firstError(suite.diagnostics))});
            continue;
        }
        if (!testsFile)
            continue;
        const SuiteResult now = TestRunner::run(suite, next.doc);
        cases += int(now.cases.size());
        const SuiteResult before = head.doc ? TestRunner::run(suite, head.doc) : SuiteResult();
        std::map<std::string, int> named;
        for (const auto &c : now.cases)
            ++named[c.name];
        for (std::size_t i = 0; i < now.cases.size(); ++i) {
            const CaseResult &c = now.cases[i];
            const bool failedAtHead = i < before.cases.size() && !before.cases[i].passed;
            if (c.passed || failedAtHead)
                continue;
            QString name = QString::fromStdString(c.name);
            if (named[c.name] > 1)
                name = CommitReview::tr("%1 (line %2)").arg(name, QString::number(c.pos.line));
            QStringList why;
            for (const auto &f : c.failures)
                why << QString::fromStdString(f);
            out.push_back({CommitWarning::Kind::TestFails, CommitReview::tr("Policy test %1 › %2 fails: %3")
                                                               .arg(suiteName, name, why.join(QStringLiteral("; ")))});
        }
    }
    return cases;
}

} // namespace

QString CommitReview::sha256Of(const QByteArray &content)
{
    return QString::fromStdString(sha256Hex(std::string_view(content.constData(), std::size_t(content.size()))));
}

QList<CommitWarning> CommitReview::warningsOf(CommitWarning::Kind kind) const
{
    QList<CommitWarning> out;
    std::copy_if(warnings.begin(), warnings.end(), std::back_inserter(out),
                 [kind](const CommitWarning &w) { return w.kind == kind; });
    return out;
}

CommitReview CommitReview::review(const std::optional<QByteArray> &head, const QByteArray &next, const QString &file,
                                  const QString &workspaceDir, const std::atomic<bool> *cancelled)
{
    CommitReview r;
    r.file = QFileInfo(file).absoluteFilePath();
    r.contentSha256 = sha256Of(next);
    const Loaded now = load(next, file);
    const Loaded before = head ? load(*head, file) : Loaded{};
    if (!now.doc) {
        r.diffNote = tr("No semantic diff: the version being committed has errors.");
        r.warnings.push_back({CommitWarning::Kind::DoesNotLoad,
                              tr("The version being committed does not load: %1").arg(now.firstError)});
        return r;
    }
    if (!head) {
        r.diffNote = tr("First commit of this file: there is no committed version to compare with.");
    } else if (!before.doc) {
        r.diffNote = tr("No semantic diff: the committed version has errors (%1).").arg(before.firstError);
    } else {
        r.diff = diff::semanticDiff(*before.doc, *now.doc);
        newlyAllowed(*r.diff, r.warnings);
    }
    unreachableBlocks(before, now, r.warnings);
    const QString ws = workspaceDir.isEmpty() ? QFileInfo(file).absolutePath() : workspaceDir;
    r.testCases = failingTests(before, now, file, ws, r.warnings, cancelled);
    return r;
}

} // namespace osh::ui
