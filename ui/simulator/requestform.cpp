#include "simulator/requestform.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QJsonObject>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <limits>

namespace osh::ui {

namespace {

const char *const kTriggers[] = {"tool_call", "data_output", "agent_response", "network_egress", "file_access"};

QPlainTextEdit *textBox(const QString &objectName, int lines = 4)
{
    auto *t = new QPlainTextEdit;
    t->setObjectName(objectName);
    t->setTabChangesFocus(true);
    t->setMaximumHeight(t->fontMetrics().lineSpacing() * (lines + 1) + 8);
    return t;
}

QLineEdit *lineBox(const QString &objectName, const QString &placeholder = {})
{
    auto *l = new QLineEdit;
    l->setObjectName(objectName);
    l->setPlaceholderText(placeholder);
    return l;
}

} // namespace

RequestForm::RequestForm(QWidget *parent) : QWidget(parent)
{
    m_trigger = new QComboBox;
    m_trigger->setObjectName(QStringLiteral("trigger"));
    for (const char *t : kTriggers)
        m_trigger->addItem(QString::fromLatin1(t));
    m_forms = new QStackedWidget;
    m_forms->addWidget(toolCallForm());
    m_forms->addWidget(dataOutputForm());
    m_forms->addWidget(agentResponseForm());
    m_forms->addWidget(egressForm());
    m_forms->addWidget(fileForm());
    connect(m_trigger, &QComboBox::currentIndexChanged, this, &RequestForm::showForm);
    showForm(0);

    m_raw = new QCheckBox(tr("Edit as JSON"));
    m_raw->setObjectName(QStringLiteral("rawToggle"));
    m_rawJson = textBox(QStringLiteral("rawJson"), 10);
    m_rawJson->setVisible(false);
    connect(m_raw, &QCheckBox::toggled, this, &RequestForm::toggleRaw);

    auto *top = new QFormLayout;
    top->addRow(tr("Trigger"), m_trigger);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_forms);
    layout->addWidget(sessionForm());
    layout->addWidget(m_raw);
    layout->addWidget(m_rawJson);
}

// The stack is as tall as the trigger's own form, not as its tallest one:
// a tool call's two rows are not spread over the height of the egress form.
void RequestForm::showForm(int index)
{
    for (int i = 0; i < m_forms->count(); ++i)
        m_forms->widget(i)->setSizePolicy(QSizePolicy::Preferred, i == index ? QSizePolicy::Maximum : QSizePolicy::Ignored);
    m_forms->setCurrentIndex(index);
    m_forms->updateGeometry();
}

QWidget *RequestForm::toolCallForm()
{
    auto *w = new QWidget;
    auto *f = new QFormLayout(w);
    m_toolName = new QComboBox;
    m_toolName->setObjectName(QStringLiteral("toolName"));
    m_toolName->setEditable(true);
    m_toolArgs = textBox(QStringLiteral("toolArgs"));
    m_toolArgs->setPlaceholderText(tr("Arguments as a JSON object, e.g. {\"to\": \"a@b.com\"}"));
    f->addRow(tr("Tool"), m_toolName);
    f->addRow(tr("Arguments (JSON)"), m_toolArgs);
    return w;
}

QWidget *RequestForm::dataOutputForm()
{
    auto *w = new QWidget;
    auto *f = new QFormLayout(w);
    m_output = textBox(QStringLiteral("outputText"));
    m_outputTool = lineBox(QStringLiteral("outputTool"), tr("the tool that produced it (optional)"));
    f->addRow(tr("Output"), m_output);
    f->addRow(tr("Tool"), m_outputTool);
    return w;
}

QWidget *RequestForm::agentResponseForm()
{
    auto *w = new QWidget;
    auto *f = new QFormLayout(w);
    m_response = textBox(QStringLiteral("responseText"));
    f->addRow(tr("Response"), m_response);
    return w;
}

QWidget *RequestForm::egressForm()
{
    auto *w = new QWidget;
    auto *f = new QFormLayout(w);
    m_host = lineBox(QStringLiteral("host"), tr("e.g. api.example.com"));
    m_port = new QSpinBox;
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(1, 65535);
    m_port->setValue(443);
    m_protocol = new QComboBox;
    m_protocol->setObjectName(QStringLiteral("protocol"));
    m_protocol->addItems({QStringLiteral("https"), QStringLiteral("http"), QStringLiteral("tcp"), QStringLiteral("smtp")});
    m_ip = lineBox(QStringLiteral("ip"), tr("resolved address (optional)"));
    m_identity = lineBox(QStringLiteral("identity"), tr("requesting tool (empty: agent)"));
    m_bytes = new QSpinBox;
    m_bytes->setObjectName(QStringLiteral("bytes"));
    m_bytes->setRange(0, std::numeric_limits<int>::max());
    f->addRow(tr("Host"), m_host);
    f->addRow(tr("Port"), m_port);
    f->addRow(tr("Protocol"), m_protocol);
    f->addRow(tr("IP"), m_ip);
    f->addRow(tr("Tool identity"), m_identity);
    f->addRow(tr("Bytes sent"), m_bytes);
    // One HTTP request as the guardian reads it (inspected rules): without a
    // method, the connection as a whole is decided.
    m_method = new QComboBox;
    m_method->setObjectName(QStringLiteral("method"));
    m_method->setEditable(true);
    m_method->addItems({QString(), QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
                        QStringLiteral("PATCH"), QStringLiteral("DELETE"), QStringLiteral("HEAD"), QStringLiteral("OPTIONS")});
    m_method->setToolTip(tr("Empty: the connection as a whole (request.* variables are null)"));
    m_target = lineBox(QStringLiteral("target"), tr("path and query, e.g. /v1/pay?amount=12"));
    m_headers = textBox(QStringLiteral("headers"));
    m_headers->setPlaceholderText(tr("one header per line: Name: value"));
    m_headers->setMaximumHeight(72);
    m_body = textBox(QStringLiteral("body"));
    m_body->setMaximumHeight(72);
    f->addRow(tr("HTTP method"), m_method);
    f->addRow(tr("Path and query"), m_target);
    f->addRow(tr("Headers"), m_headers);
    f->addRow(tr("Body"), m_body);
    return w;
}

QWidget *RequestForm::fileForm()
{
    auto *w = new QWidget;
    auto *f = new QFormLayout(w);
    m_filePath = lineBox(QStringLiteral("filePath"), tr("e.g. /agent/workspace/notes.txt"));
    m_fileOp = new QComboBox;
    m_fileOp->setObjectName(QStringLiteral("fileOperation"));
    m_fileOp->addItems({QStringLiteral("read"), QStringLiteral("write"), QStringLiteral("create"),
                        QStringLiteral("delete"), QStringLiteral("list"), QStringLiteral("symlink")});
    m_fileSize = new QSpinBox;
    m_fileSize->setObjectName(QStringLiteral("fileSize"));
    m_fileSize->setRange(0, std::numeric_limits<int>::max());
    m_fileTarget = lineBox(QStringLiteral("fileTarget"), tr("symlink target (optional)"));
    f->addRow(tr("Path"), m_filePath);
    f->addRow(tr("Operation"), m_fileOp);
    f->addRow(tr("Size (bytes)"), m_fileSize);
    f->addRow(tr("Target"), m_fileTarget);
    return w;
}

QWidget *RequestForm::sessionForm()
{
    auto *g = new QGroupBox(tr("Session"));
    auto *f = new QFormLayout(g);
    m_totalCost = new QDoubleSpinBox;
    m_totalCost->setObjectName(QStringLiteral("totalCost"));
    m_totalCost->setRange(0, 1e9);
    m_totalCost->setDecimals(2);
    m_toolCalls = new QSpinBox;
    m_toolCalls->setObjectName(QStringLiteral("toolCalls"));
    m_toolCalls->setRange(0, std::numeric_limits<int>::max());
    m_elapsed = new QDoubleSpinBox;
    m_elapsed->setObjectName(QStringLiteral("elapsed"));
    m_elapsed->setRange(0, 1e9);
    m_elapsed->setSuffix(tr(" s"));
    f->addRow(tr("Total cost"), m_totalCost);
    f->addRow(tr("Tool calls"), m_toolCalls);
    f->addRow(tr("Elapsed"), m_elapsed);
    return g;
}

void RequestForm::setTrigger(const QString &trigger)
{
    const int i = m_trigger->findText(trigger);
    if (i >= 0)
        m_trigger->setCurrentIndex(i);
}

QString RequestForm::trigger() const
{
    return m_trigger->currentText();
}

void RequestForm::setToolNames(const QStringList &names)
{
    const QString current = m_toolName->currentText();
    m_toolName->clear();
    m_toolName->addItems(names);
    m_toolName->setCurrentText(current.isEmpty() && !names.isEmpty() ? names.first() : current);
}

void RequestForm::toggleRaw(bool raw)
{
    if (raw) {
        // Start the raw text from the form, so switching loses nothing.
        QString error;
        const QString json = formJson(error);
        if (!json.isEmpty())
            m_rawJson->setPlainText(QString::fromUtf8(
                QJsonDocument::fromJson(json.toUtf8()).toJson(QJsonDocument::Indented)));
    }
    m_rawJson->setVisible(raw);
    m_forms->setEnabled(!raw);
    m_trigger->setEnabled(!raw);
}

QString RequestForm::requestJson(QString &error) const
{
    if (!m_raw->isChecked())
        return formJson(error);
    QJsonParseError perr;
    const auto doc = QJsonDocument::fromJson(m_rawJson->toPlainText().toUtf8(), &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        error = perr.error != QJsonParseError::NoError
            ? tr("The request JSON is invalid at offset %1: %2").arg(perr.offset).arg(perr.errorString())
            : tr("The request JSON must be an object.");
        return {};
    }
    return QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
}

bool RequestForm::addHttpRequest(QJsonObject &http, QString &error) const
{
    const QString method = m_method->currentText().trimmed();
    if (method.isEmpty())
        return true;
    http.insert(QStringLiteral("method"), method);
    QString target = m_target->text().trimmed();
    if (target.isEmpty())
        target = QStringLiteral("/");
    if (!target.startsWith(QLatin1Char('/'))) {
        error = tr("The path must start with '/'.");
        return false;
    }
    const qsizetype q = target.indexOf(QLatin1Char('?'));
    const QString rawPath = q < 0 ? target : target.left(q);
    http.insert(QStringLiteral("path"), QUrl::fromPercentEncoding(rawPath.toUtf8()));
    QJsonObject query;
    if (q >= 0) {
        // Decoded as the guardian decodes it; a repeated key reads as a list.
        for (const QString &pair : target.mid(q + 1).split(QLatin1Char('&'), Qt::SkipEmptyParts)) {
            const qsizetype eq = pair.indexOf(QLatin1Char('='));
            auto decode = [](QString s) { return QUrl::fromPercentEncoding(s.replace(QLatin1Char('+'), QLatin1Char(' ')).toUtf8()); };
            const QString key = decode(eq < 0 ? pair : pair.left(eq));
            const QString value = eq < 0 ? QString() : decode(pair.mid(eq + 1));
            if (!query.contains(key))
                query.insert(key, value);
            else if (query.value(key).isArray())
                query.insert(key, QJsonArray(query.value(key).toArray()) << value);
            else
                query.insert(key, QJsonArray{query.value(key), value});
        }
    }
    http.insert(QStringLiteral("query"), query);
    QJsonObject headers;
    const QStringList lines = m_headers->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon <= 0) {
            error = tr("Header line '%1' is not 'Name: value'.").arg(line.trimmed());
            return false;
        }
        const QString name = line.left(colon).trimmed().toLower();
        const QString value = line.mid(colon + 1).trimmed();
        const QString joined = headers.contains(name) ? headers.value(name).toString() + QStringLiteral(", ") + value : value;
        headers.insert(name, joined);
    }
    http.insert(QStringLiteral("headers"), headers);
    http.insert(QStringLiteral("body"), m_body->toPlainText());
    const QString scheme = m_protocol->currentText() == QLatin1StringView("http") ? QStringLiteral("http") : QStringLiteral("https");
    const int defaultPort = scheme == QLatin1StringView("http") ? 80 : 443;
    const QString url = scheme + QStringLiteral("://") + m_host->text().trimmed()
        + (m_port->value() == defaultPort ? QString() : QStringLiteral(":%1").arg(m_port->value())) + target;
    http.insert(QStringLiteral("url"), url);
    return true;
}

QString RequestForm::formJson(QString &error) const
{
    QJsonObject req;
    const QString trig = trigger();
    req.insert(QStringLiteral("trigger"), trig);
    req.insert(QStringLiteral("session"), QJsonObject{{QStringLiteral("total_cost"), m_totalCost->value()},
                                                      {QStringLiteral("tool_calls"), m_toolCalls->value()},
                                                      {QStringLiteral("elapsed_seconds"), m_elapsed->value()}});
    if (trig == QLatin1StringView("tool_call")) {
        QJsonObject tool{{QStringLiteral("name"), m_toolName->currentText().trimmed()}};
        const QString argsText = m_toolArgs->toPlainText().trimmed();
        if (!argsText.isEmpty()) {
            QJsonParseError perr;
            const auto args = QJsonDocument::fromJson(argsText.toUtf8(), &perr);
            if (perr.error != QJsonParseError::NoError || !args.isObject()) {
                error = tr("The tool arguments must be a JSON object.");
                return {};
            }
            tool.insert(QStringLiteral("args"), args.object());
        }
        req.insert(QStringLiteral("tool"), tool);
    } else if (trig == QLatin1StringView("data_output")) {
        req.insert(QStringLiteral("output"), m_output->toPlainText());
        if (!m_outputTool->text().trimmed().isEmpty())
            req.insert(QStringLiteral("tool"), QJsonObject{{QStringLiteral("name"), m_outputTool->text().trimmed()}});
    } else if (trig == QLatin1StringView("agent_response")) {
        req.insert(QStringLiteral("response"), m_response->toPlainText());
    } else if (trig == QLatin1StringView("network_egress")) {
        QJsonObject dest{{QStringLiteral("host"), m_host->text().trimmed()},
                         {QStringLiteral("port"), m_port->value()},
                         {QStringLiteral("protocol"), m_protocol->currentText()}};
        if (!m_ip->text().trimmed().isEmpty())
            dest.insert(QStringLiteral("ip"), m_ip->text().trimmed());
        req.insert(QStringLiteral("destination"), dest);
        if (!m_identity->text().trimmed().isEmpty())
            req.insert(QStringLiteral("tool"), QJsonObject{{QStringLiteral("name"), m_identity->text().trimmed()}});
        QJsonObject http{{QStringLiteral("bytes"), m_bytes->value()}};
        if (!addHttpRequest(http, error))
            return {};
        req.insert(QStringLiteral("request"), http);
    } else {
        QJsonObject file{{QStringLiteral("path"), m_filePath->text().trimmed()},
                         {QStringLiteral("operation"), m_fileOp->currentText()},
                         {QStringLiteral("size"), m_fileSize->value()}};
        if (!m_fileTarget->text().trimmed().isEmpty())
            file.insert(QStringLiteral("target"), m_fileTarget->text().trimmed());
        req.insert(QStringLiteral("file"), file);
    }
    return QString::fromUtf8(QJsonDocument(req).toJson(QJsonDocument::Compact));
}

} // namespace osh::ui
