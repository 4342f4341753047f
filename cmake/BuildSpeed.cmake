# Build speed on small machines (scripts/setup.sh installs ccache and lld).
#  - ccache, when installed, caches every compilation (scripts/setup.sh
#    installs it). Its sloppiness settings let it cache sources compiled with
#    a precompiled header too.
#  - Precompiled Qt headers where Qt's headers are most of a source's work:
#    the studio's widgets (osh_ui), and the test executables, which share
#    three precompiled headers instead of parsing QtTest once per test. The
#    core and runtime sources gained nothing measurable from one (their own
#    code dominates; loading a 150 MB header costs as much as it saves).
#    OSH_PCH=OFF turns them off (the fuzz preset does: clang refuses a header
#    precompiled under other macros).
option(OSH_PCH "Precompile the Qt headers" ON)

find_program(OSH_CCACHE ccache)
if(OSH_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER
        ${CMAKE_COMMAND} -E env CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
        ${OSH_CCACHE})
endif()

set(OSH_PCH_CORE
    <QtCore/QByteArray> <QtCore/QDateTime> <QtCore/QHash> <QtCore/QJsonArray>
    <QtCore/QJsonDocument> <QtCore/QJsonObject> <QtCore/QJsonValue> <QtCore/QList>
    <QtCore/QMap> <QtCore/QObject> <QtCore/QString> <QtCore/QStringList>
    <QtCore/QVariant> <memory> <optional> <string> <vector>)
set(OSH_PCH_WIDGETS
    <QtWidgets/QWidget> <QtWidgets/QLabel> <QtWidgets/QPushButton>
    <QtWidgets/QBoxLayout> <QtWidgets/QTreeView> <QtWidgets/QTableView>
    <QtWidgets/QSplitter> <QtGui/QStandardItemModel>)

# osh_precompile_qt(TARGET [WIDGETS]): precompile the Qt headers for a library.
function(osh_precompile_qt target)
    if(NOT OSH_PCH)
        return()
    endif()
    cmake_parse_arguments(P "WIDGETS" "" "" ${ARGN})
    set(headers ${OSH_PCH_CORE})
    if(P_WIDGETS)
        list(APPEND headers ${OSH_PCH_WIDGETS})
    endif()
    target_precompile_headers(${target} PRIVATE ${headers})
endfunction()

# lld links the hundred test executables several times faster than ld.bfd.
option(OSH_FAST_LINKER "Link with lld when the compiler can" ON)
if(OSH_FAST_LINKER)
    include(CheckLinkerFlag)
    check_linker_flag(CXX -fuse-ld=lld OSH_HAVE_LLD)
    if(OSH_HAVE_LLD)
        add_link_options(-fuse-ld=lld)
    endif()
endif()
