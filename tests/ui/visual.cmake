# The visual policy editor beside the text (ui/visual).
osh_add_test(NAME tst_visualeditor SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_visualeditor.cpp LIBS osh_ui GUI)
