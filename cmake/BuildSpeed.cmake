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

# Debug information in optimised builds. With RelWithDebInfo's full -g a
# source compiles 20 to 35 % slower than with line tables (-g1), which keep
# what a backtrace, a sanitizer report or a profiler needs (functions,
# files, lines). OSH_DEBUG_INFO=full gives a debugger the variables back.
set(OSH_DEBUG_INFO "lines" CACHE STRING "Debug information in RelWithDebInfo builds: full (-g), lines (-g1) or none")
set_property(CACHE OSH_DEBUG_INFO PROPERTY STRINGS full lines none)
if(OSH_DEBUG_INFO STREQUAL "lines")
    set(_osh_g "-g1")
elseif(OSH_DEBUG_INFO STREQUAL "none")
    set(_osh_g "-g0")
elseif(NOT OSH_DEBUG_INFO STREQUAL "full")
    message(FATAL_ERROR "OSH_DEBUG_INFO is '${OSH_DEBUG_INFO}'; use full, lines or none")
endif()
if(_osh_g)
    foreach(_lang C CXX)
        string(REGEX REPLACE "(^| )-g( |$)" "\\1${_osh_g}\\2" CMAKE_${_lang}_FLAGS_RELWITHDEBINFO
               "${CMAKE_${_lang}_FLAGS_RELWITHDEBINFO}")
    endforeach()
endif()

# Unity builds for the three libraries: their sources are compiled in
# batches of eight, each batch parsing the Qt and standard headers once.
# Sources that must stay alone (other compile definitions, or types of an
# anonymous namespace inside a class of their header) say so with
# SKIP_UNITY_BUILD_INCLUSION. OSH_UNITY=OFF compiles every source alone.
option(OSH_UNITY "Compile the libraries' sources in batches (unity build)" ON)
function(osh_unity target)
    if(OSH_UNITY)
        set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
    endif()
endfunction()
