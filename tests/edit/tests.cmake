# Minimal text edits of policy documents (core/edit).
osh_add_test(NAME tst_policytextedit SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_policytextedit.cpp LIBS osh_core)
