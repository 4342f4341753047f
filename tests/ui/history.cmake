# The History dock and its model on real temporary repositories (offscreen).
osh_add_test(NAME tst_historypanel SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_historypanel.cpp LIBS osh_ui GUI)
