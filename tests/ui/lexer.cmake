# The policy editor's highlighting and folding (ui/lexer/).
osh_add_test(NAME tst_policylexer SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_policylexer.cpp LIBS osh_ui GUI)
