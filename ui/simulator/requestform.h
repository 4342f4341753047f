#pragma once
// The simulator's request editor: a trigger picker, one form per trigger,
// the session fields, and a raw-JSON mode. Produces a request in the eval
// format (docs/policy-format.md, "Requests").

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QJsonObject;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;
class QStackedWidget;

namespace osh::ui {

class RequestForm : public QWidget
{
    Q_OBJECT

public:
    explicit RequestForm(QWidget *parent = nullptr);

    // The request as compact JSON; empty (with error set) when a field
    // (tool arguments, raw JSON) is not valid JSON.
    QString requestJson(QString &error) const;

    void setTrigger(const QString &trigger);
    QString trigger() const;
    // Tool names the document declares, offered in the tool fields.
    void setToolNames(const QStringList &names);

    // Field access for the page's tests and for prefilling.
    QComboBox *toolName() const { return m_toolName; }
    QPlainTextEdit *toolArgs() const { return m_toolArgs; }
    QPlainTextEdit *outputText() const { return m_output; }
    QLineEdit *outputTool() const { return m_outputTool; }
    QPlainTextEdit *responseText() const { return m_response; }
    QLineEdit *host() const { return m_host; }
    QSpinBox *port() const { return m_port; }
    QComboBox *protocol() const { return m_protocol; }
    QLineEdit *ip() const { return m_ip; }
    QLineEdit *identity() const { return m_identity; }
    QSpinBox *bytes() const { return m_bytes; }
    QComboBox *method() const { return m_method; }
    QLineEdit *target() const { return m_target; }
    QPlainTextEdit *headers() const { return m_headers; }
    QPlainTextEdit *body() const { return m_body; }
    QLineEdit *filePath() const { return m_filePath; }
    QComboBox *fileOperation() const { return m_fileOp; }
    QSpinBox *fileSize() const { return m_fileSize; }
    QLineEdit *fileTarget() const { return m_fileTarget; }
    QDoubleSpinBox *totalCost() const { return m_totalCost; }
    QSpinBox *toolCalls() const { return m_toolCalls; }
    QDoubleSpinBox *elapsed() const { return m_elapsed; }
    QCheckBox *rawToggle() const { return m_raw; }
    QPlainTextEdit *rawJson() const { return m_rawJson; }

private:
    QWidget *toolCallForm();
    QWidget *dataOutputForm();
    QWidget *agentResponseForm();
    QWidget *egressForm();
    QWidget *fileForm();
    QWidget *sessionForm();
    QString formJson(QString &error) const;
    bool addHttpRequest(QJsonObject &http, QString &error) const;
    void toggleRaw(bool raw);
    void showForm(int index);

    QComboBox *m_trigger;
    QStackedWidget *m_forms;
    QComboBox *m_toolName;
    QPlainTextEdit *m_toolArgs;
    QPlainTextEdit *m_output;
    QLineEdit *m_outputTool;
    QPlainTextEdit *m_response;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QComboBox *m_protocol;
    QLineEdit *m_ip;
    QLineEdit *m_identity;
    QSpinBox *m_bytes;
    QComboBox *m_method;
    QLineEdit *m_target;
    QPlainTextEdit *m_headers;
    QPlainTextEdit *m_body;
    QLineEdit *m_filePath;
    QComboBox *m_fileOp;
    QSpinBox *m_fileSize;
    QLineEdit *m_fileTarget;
    QDoubleSpinBox *m_totalCost;
    QSpinBox *m_toolCalls;
    QDoubleSpinBox *m_elapsed;
    QCheckBox *m_raw;
    QPlainTextEdit *m_rawJson;
};

} // namespace osh::ui
