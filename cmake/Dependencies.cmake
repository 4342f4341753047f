# Third-party libraries, all from Debian packages (scripts/setup.sh installs them).
find_package(Qt6 6.4 REQUIRED COMPONENTS Core Network Test)
if(OSH_BUILD_GUI)
    find_package(Qt6 6.4 REQUIRED COMPONENTS Gui Widgets Svg PrintSupport LinguistTools DBus)
endif()
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBYAML REQUIRED IMPORTED_TARGET yaml-0.1)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(HYPERSCAN REQUIRED IMPORTED_TARGET libhs)
find_package(SQLite3 REQUIRED)
# libpq: the audit store shared by several hosts (core/audit/pgdb.h)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2)
find_package(simdjson REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)

# libphonenumber ships no CMake config on Debian 12.
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
find_library(PHONENUMBER_LIBRARY phonenumber REQUIRED)
add_library(osh::phonenumber UNKNOWN IMPORTED)
set_target_properties(osh::phonenumber PROPERTIES
    IMPORTED_LOCATION ${PHONENUMBER_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${PHONENUMBER_INCLUDE_DIR})

if(OSH_BUILD_BENCH)
    find_package(benchmark REQUIRED)
endif()

if(OSH_BUILD_GUI)
    # QScintilla ships no CMake config on Debian: find the header and library ourselves.
    get_target_property(_qtcore_inc Qt6::Core INTERFACE_INCLUDE_DIRECTORIES)
    find_path(QSCINTILLA_INCLUDE_DIR Qsci/qsciscintilla.h HINTS ${_qtcore_inc} PATH_SUFFIXES .. REQUIRED)
    find_library(QSCINTILLA_LIBRARY qscintilla2_qt6 REQUIRED)
    add_library(osh::qscintilla UNKNOWN IMPORTED)
    set_target_properties(osh::qscintilla PROPERTIES
        IMPORTED_LOCATION ${QSCINTILLA_LIBRARY}
        INTERFACE_INCLUDE_DIRECTORIES ${QSCINTILLA_INCLUDE_DIR})
    target_link_libraries(osh::qscintilla INTERFACE Qt6::Widgets Qt6::PrintSupport)
endif()
