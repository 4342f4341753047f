#include "aboutdialog.h"

#include "themedicon.h"

#include "util/versions.h"

#include <Qsci/qsciglobal.h>
#include <archive.h>

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace osh::ui {

QString AboutDialog::applicationVersion()
{
    return QStringLiteral(OSH_VERSION);
}

QList<QPair<QString, QString>> AboutDialog::libraryVersions()
{
    QList<QPair<QString, QString>> out;
    out.append({QStringLiteral("Qt"), QString::fromLatin1(qVersion())});
    out.append({QStringLiteral("QScintilla"), QStringLiteral(QSCINTILLA_VERSION_STR)});
    for (const auto &v : osh::coreLibraryVersions())
        out.append({QString::fromStdString(v.name), QString::fromStdString(v.version)});
    QString archive = QString::fromLatin1(archive_version_string()); // "libarchive 3.6.2"
    archive.remove(QStringLiteral("libarchive "));
    out.append({QStringLiteral("libarchive"), archive});
    return out;
}

AboutDialog::AboutDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About OpenShell Studio"));
    auto *layout = new QVBoxLayout(this);

    auto *header = new QHBoxLayout;
    auto *logo = new QLabel(this);
    const int extent = style()->pixelMetric(QStyle::PM_LargeIconSize, nullptr, this) * 3 / 2;
    logo->setPixmap(themedIcon(QStringLiteral("app.svg")).pixmap(QSize(extent, extent), devicePixelRatio()));
    header->addWidget(logo, 0, Qt::AlignTop);
    auto *title = new QLabel(this);
    title->setObjectName(QStringLiteral("aboutTitle"));
    title->setTextFormat(Qt::RichText);
    title->setWordWrap(true);
    title->setText(QStringLiteral("<h2>%1</h2><p>%2</p><p>%3</p>")
                       .arg(tr("OpenShell Studio").toHtmlEscaped(),
                            tr("Version %1").arg(applicationVersion()).toHtmlEscaped(),
                            tr("Author, check, simulate, run and replay runtime policies for AI agent sandboxes.").toHtmlEscaped()));
    header->addWidget(title, 1);
    layout->addLayout(header);

    auto *libs = new QTreeWidget(this);
    libs->setObjectName(QStringLiteral("libraryVersions"));
    libs->setHeaderLabels({tr("Library"), tr("Version")});
    libs->setRootIsDecorated(false);
    libs->setSelectionMode(QAbstractItemView::NoSelection);
    libs->setFocusPolicy(Qt::NoFocus);
    for (const auto &[name, version] : libraryVersions())
        libs->addTopLevelItem(new QTreeWidgetItem(QStringList{name, version}));
    libs->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    layout->addWidget(libs);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(sizeHint().expandedTo(QSize(460, 380)));
}

} // namespace osh::ui
