foreach(t tst_yamltree tst_policycorpus tst_policyloader tst_netaddr tst_decisionengine tst_sessioncounters tst_httprules
        tst_policyindex)
    osh_add_test(NAME ${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.cpp LIBS osh_core)
endforeach()
# The simdjson request reader against the Qt reader it replaced.
osh_add_test(NAME tst_requestjson
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_requestjson.cpp ${CMAKE_CURRENT_LIST_DIR}/qtrequest.cpp
    LIBS osh_core)
