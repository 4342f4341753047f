# The side-by-side and semantic diff widgets (offscreen).
osh_add_test(NAME tst_diffwidgets SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_diffwidgets.cpp LIBS osh_ui GUI)
