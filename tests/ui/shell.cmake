# The studio's shell: typed settings, themes, icons, translation, about box,
# session restore.
osh_add_test(NAME tst_settings SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_settings.cpp LIBS osh_ui)
osh_add_test(NAME tst_shell SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_shell.cpp LIBS osh_ui GUI)
osh_add_test(NAME tst_themeportal SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_themeportal.cpp LIBS osh_ui GUI)
