#pragma once
// What committing a policy file would change, for the Commit… dialog: the
// semantic diff from the committed (HEAD) version to the one being
// committed, and the warnings worth a second look before committing:
// requests that are newly allowed (the diff's newly-allowed changes and
// policies whose outcome got looser), policy tests of the workspace that
// pass with HEAD and fail with the new version, and block policies that an
// earlier policy now shadows (the validator's W065), and test files of the
// workspace that do not load (their cases could not be checked). No
// widgets and no shared state: the Commit… dialog runs it on a worker
// thread and shows it, tests check it directly. It records the SHA-256 of
// the content it reviewed so that a commit of anything else is refused.

#include "diff/semanticdiff.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

#include <atomic>
#include <optional>

namespace osh::ui {

struct CommitWarning
{
    enum class Kind { DoesNotLoad, NewlyAllowed, TestFails, UnreachableBlock, TestsDoNotLoad };
    Kind kind = Kind::NewlyAllowed;
    QString text; // one sentence, translated
};

struct CommitReview
{
    Q_DECLARE_TR_FUNCTIONS(CommitReview)

public:
    // The diff HEAD → new version; empty when there is no committed version
    // or either version does not load (diffNote says which).
    std::optional<diff::SemanticDiff> diff;
    QString diffNote;
    QList<CommitWarning> warnings;
    int testCases = 0; // cases run against the new version
    // What was reviewed: the file (absolute path) and its content's SHA-256
    // (lower-case hex). Empty when nothing was reviewed.
    QString file;
    QString contentSha256;

    bool hasWarnings() const { return !warnings.isEmpty(); }
    QList<CommitWarning> warningsOf(CommitWarning::Kind kind) const;

    // head: the file's committed content (nullopt: not committed yet); next:
    // the content being committed; file: its absolute path; workspaceDir:
    // where tests/*.yaml are looked for (empty: the file's folder);
    // cancelled: when set (by another thread), the review stops early and
    // its result is incomplete.
    static CommitReview review(const std::optional<QByteArray> &head, const QByteArray &next, const QString &file,
                               const QString &workspaceDir, const std::atomic<bool> *cancelled = nullptr);
    static QString sha256Of(const QByteArray &content);
};

} // namespace osh::ui
