# The studio's layout at 1024x700: the window keeps its size, every page
# fits. Run twice: at device pixel ratio 1 and 2.
osh_add_test(NAME tst_layout SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_layout.cpp LIBS osh_ui GUI)
add_test(NAME tst_layout_2x COMMAND tst_layout)
set_tests_properties(tst_layout_2x PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_SCALE_FACTOR=2" TIMEOUT 300)
