# The studio's shell: typed settings, light/dark themes that follow the
# desktop, SVG icons as resources, the message bar, about and preferences
# dialogs, and the German translation (translations/translations.cmake).
target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/settings.cpp ${CMAKE_CURRENT_LIST_DIR}/settings.h
    ${CMAKE_CURRENT_LIST_DIR}/thememanager.cpp ${CMAKE_CURRENT_LIST_DIR}/thememanager.h
    ${CMAKE_CURRENT_LIST_DIR}/themedicon.cpp ${CMAKE_CURRENT_LIST_DIR}/themedicon.h
    ${CMAKE_CURRENT_LIST_DIR}/messagebar.cpp ${CMAKE_CURRENT_LIST_DIR}/messagebar.h
    ${CMAKE_CURRENT_LIST_DIR}/languagemanager.cpp ${CMAKE_CURRENT_LIST_DIR}/languagemanager.h
    ${CMAKE_CURRENT_LIST_DIR}/aboutdialog.cpp ${CMAKE_CURRENT_LIST_DIR}/aboutdialog.h
    ${CMAKE_CURRENT_LIST_DIR}/preferencesdialog.cpp ${CMAKE_CURRENT_LIST_DIR}/preferencesdialog.h
    ${CMAKE_CURRENT_LIST_DIR}/workspacelocator.cpp ${CMAKE_CURRENT_LIST_DIR}/workspacelocator.h
    ${CMAKE_CURRENT_LIST_DIR}/recoveryfiles.cpp ${CMAKE_CURRENT_LIST_DIR}/recoveryfiles.h
    ${CMAKE_CURRENT_LIST_DIR}/mainwindow.cpp ${CMAKE_CURRENT_LIST_DIR}/mainwindow.h
    ${CMAKE_CURRENT_LIST_DIR}/mainwindowshell.cpp
)
target_link_libraries(osh_ui PUBLIC Qt6::Svg Qt6::DBus PRIVATE PkgConfig::LIBARCHIVE)
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/aboutdialog.cpp PROPERTIES
    COMPILE_DEFINITIONS "OSH_VERSION=\"${PROJECT_VERSION}\"")
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/workspacelocator.cpp PROPERTIES
    COMPILE_DEFINITIONS "OSH_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")

# Icons by alias (:/icons/save.svg), monochrome, recoloured at paint time.
file(GLOB _osh_icons CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/resources/icons/*.svg)
qt_add_resources(osh_ui "osh_icons"
    PREFIX "/icons"
    BASE ${PROJECT_SOURCE_DIR}/resources/icons
    FILES ${_osh_icons})

include(${PROJECT_SOURCE_DIR}/translations/translations.cmake)
