# The semantic policy diff (core/diff).
osh_add_test(NAME tst_semanticdiff SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_semanticdiff.cpp LIBS osh_core)
