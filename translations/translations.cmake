# The studio's translations: lupdate scans the ui/ and app/studio sources
# into translations/openshell_<lang>.ts; lrelease compiles the .qm files into
# osh_ui's resources under :/i18n (LanguageManager loads them).
#   cmake --build <dir> --target update_translations   # refresh the .ts
#   scripts/lupdate-check.sh                            # fails on unfinished
file(GLOB_RECURSE _osh_tr_sources CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/ui/*.cpp ${PROJECT_SOURCE_DIR}/ui/*.h
    ${PROJECT_SOURCE_DIR}/app/studio/*.cpp)
qt_add_translations(osh_ui
    TS_FILES ${CMAKE_CURRENT_LIST_DIR}/openshell_de.ts
    SOURCES ${_osh_tr_sources}
    RESOURCE_PREFIX "/i18n"
    LUPDATE_OPTIONS -locations relative -no-ui-lines)
