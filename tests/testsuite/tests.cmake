osh_add_test(NAME tst_policytests SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_policytests.cpp LIBS osh_core)
