#pragma once
// The simulator: build a request, decide it against the current policy
// document with the real engine, and see the decision, the redacted output
// and the trace. A request and its decision can be saved as a policy test
// case (docs/policy-tests.md).

#include "engine/decision.h"
#include "engine/request.h"
#include "model/policy.h"

#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace osh {
class DecisionEngine;
}

namespace osh::ui {

class RequestForm;
class TraceModel;
class TraceView;

class SimulatorPage : public QWidget
{
    Q_OBJECT

public:
    explicit SimulatorPage(QWidget *parent = nullptr);
    ~SimulatorPage() override;

    // The workspace whose tests/ folder "Save as test case" writes to; when
    // unset, the policy file's folder.
    void setWorkspace(const QString &path);

    RequestForm *form() const { return m_form; }
    TraceModel *traceModel() const;
    TraceView *traceView() const { return m_traceView; }
    const std::optional<Decision> &lastDecision() const { return m_decision; }
    QString message() const; // the inline message bar's text
    QLabel *decisionLabel() const { return m_decisionLabel; }
    QPlainTextEdit *outputView() const { return m_output; }
    QComboBox *testFileBox() const { return m_testFile; }
    QLineEdit *caseNameEdit() const { return m_caseName; }

public Q_SLOTS:
    void setPolicy(std::shared_ptr<const osh::PolicyDocument> doc, const QString &file);
    // Decides the current request; false (with the reason in the message bar) when it cannot.
    bool decide();
    // Decides the current request and appends it with its decision to the chosen test file.
    bool saveAsTestCase();

Q_SIGNALS:
    void decided();
    void testCaseSaved(const QString &file);

private:
    void showDecision(const Decision &d);
    void showMessage(const QString &text, bool error);
    void refreshTestFiles();
    QString workspace() const;

    std::shared_ptr<const DecisionEngine> m_engine;
    QString m_policyFile;
    QString m_workspace;
    std::optional<Decision> m_decision;
    std::optional<Request> m_request; // the request m_decision decided

    RequestForm *m_form;
    QPushButton *m_decide;
    QLabel *m_messageBar;
    QLabel *m_decisionLabel;
    QLabel *m_whoLabel;
    QLabel *m_messageLabel;
    QPlainTextEdit *m_output;
    TraceView *m_traceView;
    QComboBox *m_testFile;
    QLineEdit *m_caseName;
    QPushButton *m_save;
};

} // namespace osh::ui
