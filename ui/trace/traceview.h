#pragma once
// A decision's trace as the studio shows it, in the simulator and in the
// replay page's details: a line saying which step decided and what its
// condition read, above the TraceModel tree with that step highlighted,
// expanded and scrolled to. Runs of policies the index skipped stay
// collapsed.

#include <QWidget>

class QByteArray;
class QLabel;
class QTreeView;

namespace osh {
struct Decision;
struct Request;
} // namespace osh

namespace osh::ui {

class TraceModel;

class TraceView : public QWidget
{
    Q_OBJECT

public:
    explicit TraceView(QWidget *parent = nullptr);

    TraceModel *model() const { return m_model; }
    QTreeView *tree() const { return m_tree; }
    // "Decided by policy mail-review (escalate)" and what it read; empty
    // when nothing is shown.
    QString summaryText() const;

    void setDecision(const Decision &decision, const Request *request = nullptr);
    // See TraceModel::setTraceJson; when json is no trace, the summary says
    // so (note: why, e.g. "no trace was recorded") and false is returned.
    bool setTraceJson(const QByteArray &json, const QString &layer = {}, const QString &policy = {},
                      const QString &outcome = {}, const QString &note = {});
    void clear();

private:
    void showTrace();

    TraceModel *m_model;
    QLabel *m_summary;
    QTreeView *m_tree;
};

} // namespace osh::ui
