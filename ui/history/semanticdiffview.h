#pragma once
// The semantic diff of two policy versions as a tree: one row per section
// that changed, one child per change, coloured by its effect, under a
// summary line ("2 newly allowed, 1 newly blocked, 3 changed").
// Double-clicking a change reports its line in the after-version so the
// editor (or the side-by-side diff) can show it. Used by the compare window.

#include "diff/semanticdiff.h"

#include <QAbstractItemModel>
#include <QWidget>

class QLabel;
class QTreeView;

namespace osh::ui {

class SemanticDiffModel : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column { SentenceColumn, EffectColumn, ColumnCount };
    enum Role {
        IsSectionRole = Qt::UserRole + 1, // bool: a section row
        SectionRole,                      // int: diff::Section
        EffectRole,                       // int: diff::Effect (changes only)
        KindRole,                         // int: diff::ChangeKind (changes only)
        SubjectRole,                      // QString
        BeforeRole,                       // QString: the old value as text
        AfterRole,                        // QString: the new value as text
        AfterLineRole,                    // int: 1-based line in the after-version, 0 when none
        BeforeLineRole,                   // int: 1-based line in the before-version, 0 when none
    };

    explicit SemanticDiffModel(QObject *parent = nullptr);

    void setDiff(const diff::SemanticDiff &diff);
    void clear();
    const diff::SemanticDiff &semanticDiff() const { return m_diff; }

    // "2 newly allowed, 1 newly blocked, 3 changed", translated.
    QString summaryText() const;

    static QString effectText(diff::Effect e);
    static QString sectionText(diff::Section s);
    static QColor effectColor(diff::Effect e);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Group
    {
        diff::Section section;
        QList<int> changes; // indices into m_diff.changes
    };
    // Internal ids: 0 for section rows, group index + 1 for change rows.
    diff::SemanticDiff m_diff;
    QList<Group> m_groups;
};

class SemanticDiffView : public QWidget
{
    Q_OBJECT

public:
    explicit SemanticDiffView(QWidget *parent = nullptr);

    void setDiff(const diff::SemanticDiff &diff);
    // Shows the diff, or the diagnostics (FILE:LINE:COL) when it could not be made.
    void setResult(const diff::SemanticDiffResult &result);

    SemanticDiffModel *model() const { return m_model; }
    QTreeView *tree() const { return m_tree; }
    QString summary() const;

Q_SIGNALS:
    // A change was double-clicked (or activated): its line in the after-version
    // (0 when it has none there) and in the before-version.
    void changeActivated(int afterLine, int beforeLine);

private:
    void activate(const QModelIndex &index);

    QLabel *m_summary;
    QTreeView *m_tree;
    SemanticDiffModel *m_model;
};

} // namespace osh::ui
