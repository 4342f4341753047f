#pragma once
// The visual policy editor, shown beside the text on the Policy page: forms
// for the document, the sandbox, the network guardian and the filesystem
// controller, tables of their rules, and the ordered policies (drag a row,
// or use Move up/down, to change which policy matches first) with a form for
// the selected one. The text stays the single source of truth: the forms
// refresh from it after each validation, and each form change is a minimal
// core/edit text edit applied to the text editor as one undoable action.
// The validator's diagnostics show on the rows and fields they point into;
// a policy that can never fire because an earlier one always matches first
// (after a reorder, say) is named in a warning above the sections.

#include "formbinder.h"
#include "mapmodel.h"
#include "policyshadowing.h"
#include "sequencemodel.h"
#include "visualstate.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QTabWidget;
class QTableView;
class QPushButton;

namespace osh::ui {

class PolicyEditor;

class VisualEditor : public QWidget
{
    Q_OBJECT

public:
    explicit VisualEditor(QWidget *parent = nullptr);
    ~VisualEditor() override;

    // The text editor the forms follow and edit.
    void setTextEditor(PolicyEditor *editor);
    // Re-reads the text editor's text and diagnostics (done after every validation).
    void refresh();
    // Applies an edit computed on the current text as one undo step; false
    // (with the reason in the message bar) when it failed.
    bool applyEdit(const edit::EditResult &result);

    SequenceModel *policies() const { return m_policies; }
    SequenceModel *networkRules() const { return m_networkRules; }
    SequenceModel *filesystemRules() const { return m_filesystemRules; }
    MapModel *environment() const { return m_environment; }
    MapModel *hosts() const { return m_hosts; }
    FormBinder *documentForm() const { return m_documentForm; }
    FormBinder *sandboxForm() const { return m_sandboxForm; }
    FormBinder *networkForm() const { return m_networkForm; }
    FormBinder *filesystemForm() const { return m_filesystemForm; }
    FormBinder *policyForm() const { return m_policyForm; }
    QTableView *policiesView() const { return m_policiesView; }
    QTabWidget *sections() const { return m_sections; }
    QString message() const;
    // The shadowed policies of the current text and the warning naming them
    // (empty when none is).
    const QList<PolicyShadowing> &shadowings() const { return m_shadowings; }
    QString shadowWarning() const;

    // Selects a policy row (its form shows below the list); -1: none.
    void selectPolicy(int row);
    int selectedPolicy() const;
    void addPolicy();
    void removeSelectedPolicy();
    void moveSelectedPolicy(int delta);

private:
    QWidget *buildDocumentPage();
    QWidget *buildNetworkPage();
    QWidget *buildFilesystemPage();
    QWidget *buildPoliciesPage();
    QTableView *makeTable(QAbstractItemModel *model, bool reorderable);
    QWidget *mapSection(MapModel *model, const QString &newKey, const QString &newValue, QWidget *parent);
    void showMessage(const QString &text);
    void policySelectionChanged();
    void updateShadowWarning(const PolicyDocument *doc);

    QPointer<PolicyEditor> m_text;
    std::shared_ptr<const VisualState> m_state;
    QLabel *m_message;
    QLabel *m_shadowWarning;
    QList<PolicyShadowing> m_shadowings;
    QTabWidget *m_sections;
    SequenceModel *m_policies;
    SequenceModel *m_networkRules;
    SequenceModel *m_filesystemRules;
    MapModel *m_environment;
    MapModel *m_hosts;
    FormBinder *m_documentForm = nullptr;
    FormBinder *m_sandboxForm = nullptr;
    FormBinder *m_networkForm = nullptr;
    FormBinder *m_filesystemForm = nullptr;
    FormBinder *m_policyForm = nullptr;
    QTableView *m_policiesView = nullptr;
    QWidget *m_policyFormBox = nullptr;
};

} // namespace osh::ui
