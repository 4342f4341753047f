# Condition language tests (spec section 6).
set(_cond_util ${CMAKE_CURRENT_LIST_DIR}/conditiontestutil.h)
osh_add_test(NAME tst_condition SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_condition.cpp ${_cond_util} LIBS osh_core)
osh_add_test(NAME tst_condition_check SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_conditioncheck.cpp ${_cond_util}
             LIBS osh_core)
osh_add_test(NAME tst_condition_eval SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_conditioneval.cpp ${_cond_util}
             LIBS osh_core)
