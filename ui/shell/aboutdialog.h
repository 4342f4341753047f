#pragma once
// Help › About: the studio's version and the versions of the libraries it
// runs with (Qt, QScintilla, libgit2, SQLite, libyaml, RE2, Hyperscan,
// libphonenumber, libarchive).

#include <QDialog>
#include <QList>
#include <QPair>

namespace osh::ui {

class AboutDialog : public QDialog
{
    Q_OBJECT

public:
    explicit AboutDialog(QWidget *parent = nullptr);

    static QString applicationVersion();
    // (library, version) in display order.
    static QList<QPair<QString, QString>> libraryVersions();
};

} // namespace osh::ui
