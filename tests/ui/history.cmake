# The History dock and its model on real temporary repositories (offscreen).
osh_add_test(NAME tst_historypanel SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_historypanel.cpp LIBS osh_ui GUI)
# The Commit… dialog's semantic diff and warnings (newly allowed, failing tests, unreachable blocks).
osh_add_test(NAME tst_commitdialog SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_commitdialog.cpp LIBS osh_ui GUI)
